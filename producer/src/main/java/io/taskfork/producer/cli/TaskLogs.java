package io.taskfork.producer.cli;

import io.taskfork.shared.store.Database;
import io.taskfork.shared.task.TaskStatus;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads a task's {@code log} column for {@code logs}. A follower polls twice a second while the
 * log may be 256 KB: the text comes only when its digest differs from the one the caller has.
 */
final class TaskLogs {

    /**
     * A look at a task's log.
     *
     * @param digest the MD5 of the log, the empty text when there is none
     * @param log    the log, empty when there is none; null when its digest is the one the caller had
     */
    record Snapshot(TaskStatus status, int attempts, String digest, String log) {

        boolean changed() {
            return log != null;
        }
    }

    private final Jdbi jdbi;

    TaskLogs(Database database) {
        this.jdbi = database.jdbi();
    }

    /** The task's status and log, the log left out when its digest is {@code knownDigest}; empty when no task has that ID. */
    Optional<Snapshot> read(long id, String knownDigest) {
        return jdbi.withHandle(handle -> handle
                .createQuery("select status, attempts, d.digest,"
                        + " case when d.digest = :known then null else coalesce(log, '') end as log"
                        + " from tasks, lateral (select md5(coalesce(log, '')) as digest) d where id = :id")
                .bind("id", id)
                .bind("known", knownDigest)
                .map((rs, ctx) -> new Snapshot(TaskStatus.of(rs.getString("status")), rs.getInt("attempts"),
                        rs.getString("digest"), rs.getString("log")))
                .findOne());
    }
}
