package io.taskfork.producer.cli;

import io.taskfork.shared.store.Database;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.TaskStatus;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * The status of many tasks in one query: {@code wait} polls thousands of IDs several times a
 * second, which one query per task would turn into a load of its own.
 */
final class TaskStates {

    /** What {@code wait} shows of a task. */
    record State(long id, TaskStatus status, FailureKind failureKind, Integer exitCode) {

        /** {@code ID status}, then failure_kind and exit_code where they are set. */
        String describe() {
            return id + " " + status.value()
                    + (failureKind == null ? "" : " failure_kind=" + failureKind.value())
                    + (exitCode == null ? "" : " exit_code=" + exitCode);
        }
    }

    private final Jdbi jdbi;

    TaskStates(Database database) {
        this.jdbi = database.jdbi();
    }

    /** The states of those of {@code ids} that exist, by ID. */
    Map<Long, State> of(Collection<Long> ids) {
        return jdbi.withHandle(handle -> handle
                .createQuery("select id, status, failure_kind, exit_code from tasks where id = any(:ids)")
                .bindArray("ids", Long.class, ids)
                .map((rs, ctx) -> {
                    String failureKind = rs.getString("failure_kind");
                    return new State(rs.getLong("id"), TaskStatus.of(rs.getString("status")),
                            failureKind == null ? null : FailureKind.of(failureKind),
                            rs.getObject("exit_code", Integer.class));
                })
                .collect(Collectors.toMap(State::id, Function.identity())));
    }
}
