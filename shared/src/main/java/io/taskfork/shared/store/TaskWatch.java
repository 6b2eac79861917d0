package io.taskfork.shared.store;

import io.taskfork.shared.task.TaskStatus;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** What someone following tasks sees of them: many tasks in one statement, so followers cost one read a round. */
public final class TaskWatch {

    private final Jdbi jdbi;

    TaskWatch(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The parts of a row that change while a task runs. {@code log} is empty, never null, before there is any. */
    public record Snapshot(long id, TaskStatus status, int attempts, Integer progress, String progressMessage,
            String log) {
    }

    /** The tasks among {@code ids} that exist, by ID. */
    public Map<Long, Snapshot> read(Collection<Long> ids) {
        Map<Long, Snapshot> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        jdbi.useHandle(handle -> handle
                .createQuery("select id, status, attempts, progress, progress_message, coalesce(log, '') as log"
                        + " from tasks where id = any(:ids)")
                .bindArray("ids", Long.class, ids)
                .map((rs, ctx) -> new Snapshot(rs.getLong("id"), TaskStatus.of(rs.getString("status")),
                        rs.getInt("attempts"), rs.getObject("progress", Integer.class),
                        rs.getString("progress_message"), rs.getString("log")))
                .forEach(snapshot -> found.put(snapshot.id(), snapshot)));
        return found;
    }
}
