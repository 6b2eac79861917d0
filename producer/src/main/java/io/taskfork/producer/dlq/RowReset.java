package io.taskfork.producer.dlq;

import io.taskfork.producer.queue.QueueException;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.Outbox;
import io.taskfork.shared.store.Workers;
import io.taskfork.shared.task.TaskStatus;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Puts the row of a dead task back to {@code queued}, as if it had never run, and then publishes
 * its ID. The reset commits first, with {@code published_at} null, so a supervisor that receives
 * the ID always finds the row runnable: a reset held uncommitted while its ID went out was passed
 * over by a claim, which does not wait for a row it sees ended, and the task was lost or failed as
 * of an unknown type. Should the publish fail, the row is put back as it was, unless a supervisor
 * took it meanwhile; should even that fail, the row stays queued and the outbox publishes it.
 */
final class RowReset {

    /** How a reset ended. */
    sealed interface Outcome {

        /** The row is queued and its ID confirmed on the main queue; {@code before} is the status it had. */
        record Reset(TaskStatus before) implements Outcome {
        }

        /** The row was left alone, for the reason given; {@code noSuchTask} when there is no row at all. */
        record Refused(String why, boolean noSuchTask) implements Outcome {
        }
    }

    /** Which rows a reset takes: a dead letter's replay, or a retry asked for by task ID. */
    enum Rules {
        /**
         * {@code dlq replay}: failed, crashed, still queued, or running with its supervisor gone; an
         * expired task's dead letter is a stale copy, so it is refused.
         */
        REPLAY,
        /** {@code POST /api/tasks/{id}/retry}: only a task that ended failed, crashed or expired. */
        RETRY
    }

    /** What the row was before a reset: its status, the facts of its runner, and the whole row to put back. */
    private record Current(TaskStatus status, String worker, boolean runnerAlive, String row) {
    }

    /** The first step's end: the row as it was (null when none), and the reset's queued_at or why it was refused. */
    private record Committed(Current before, OffsetDateTime queuedAt, String refusal) {
    }

    private static final String RESET = "update tasks set status = 'queued', attempts = 0, failure_kind = null,"
            + " exit_code = null, result = null, returned_at = null, error = null, log = null, started_at = null,"
            + " finished_at = null, worker = null, progress = null, progress_message = null, cpu_seconds = null,"
            + " peak_memory_bytes = null, total_cpu_seconds = null, dead_lettered_at = null, published_at = null,"
            // An expired task run again would only expire again at once; one that has started has
            // no expiry any more, though the reset's attempts no longer say it started.
            + " expires_at = case when status = 'expired' or attempts > 0 then null else expires_at end,"
            + " queued_at = now() where id = :id returning queued_at";

    // Fenced on the reset's own queued_at: a row a supervisor claimed since, or a later reset, is left alone.
    private static final String PUT_BACK = "update tasks t set (status, attempts, failure_kind, exit_code, result,"
            + " returned_at, error, log, started_at, finished_at, worker, progress, progress_message, cpu_seconds,"
            + " peak_memory_bytes, total_cpu_seconds, dead_lettered_at, published_at, expires_at, queued_at) ="
            + " (b.status, b.attempts, b.failure_kind, b.exit_code, b.result, b.returned_at, b.error, b.log,"
            + " b.started_at, b.finished_at, b.worker, b.progress, b.progress_message, b.cpu_seconds,"
            + " b.peak_memory_bytes, b.total_cpu_seconds, b.dead_lettered_at, b.published_at, b.expires_at,"
            + " b.queued_at)"
            + " from jsonb_populate_record(null::tasks, cast(:before as jsonb)) b"
            + " where t.id = :id and t.status = 'queued' and t.published_at is null and t.queued_at = :queuedAt";

    private static final String UNIQUE_VIOLATION = "23505";

    private final Jdbi jdbi;
    private final Outbox outbox;
    private final Rules rules;

    RowReset(Database database, Rules rules) {
        this.jdbi = database.jdbi();
        this.outbox = new Outbox(database);
        this.rules = rules;
    }

    /**
     * Resets the row of task {@code id}, commits, and runs {@code publish}. Under {@link Rules#REPLAY}
     * a row that ended {@code failed} or {@code crashed}, is still {@code queued}, or is
     * {@code running} with its supervisor gone (its messages went dead at the broker's delivery
     * limit while it was claimed) is reset; under {@link Rules#RETRY} one that ended
     * {@code failed}, {@code crashed} or {@code expired}; any other is refused, on the status read
     * under the same lock as the reset.
     *
     * @throws QueueException from {@code publish}; the row is then as it was, or, if it could not be
     *         put back, queued for the outbox to publish (the message says which)
     */
    Outcome reset(long id, Runnable publish) {
        Committed reset;
        try {
            reset = jdbi.inTransaction(handle -> {
                Optional<Current> current = lock(handle, id);
                if (current.isEmpty()) {
                    return new Committed(null, null, null);
                }
                Optional<String> refusal = (rules == Rules.RETRY ? retryRefusal(id, current.get().status())
                        : refusal(id, current.get())).or(() -> keyHeld(handle, id));
                if (refusal.isPresent()) {
                    return new Committed(current.get(), null, refusal.get());
                }
                return new Committed(current.get(), handle.createQuery(RESET).bind("id", id)
                        .mapTo(OffsetDateTime.class).one(), null);
            });
        } catch (UnableToExecuteStatementException e) {
            // a task that took the key between the look above and the reset: the unique index says so
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return new Outcome.Refused("task " + id + "'s unique key is held by another live task;"
                        + " run it again once that one has ended", false);
            }
            throw e;
        }
        if (reset.before() == null) {
            return new Outcome.Refused("no task " + id + " exists", true);
        }
        if (reset.refusal() != null) {
            return new Outcome.Refused(reset.refusal(), false);
        }
        Current before = reset.before();
        OffsetDateTime queuedAt = reset.queuedAt();
        try {
            publish.run();
        } catch (QueueException e) {
            if (putBack(id, before, queuedAt, e)) {
                throw e;
            }
            // A supervisor took the row meanwhile, by an older message of the task: it runs again, as asked.
            return new Outcome.Reset(before.status());
        }
        try {
            outbox.markPublished(List.of(id));
        } catch (RuntimeException e) {
            // The row is queued and its message confirmed: without the mark, the outbox only publishes a
            // second copy later, which a supervisor acks as a duplicate.
        }
        return new Outcome.Reset(before.status());
    }

    /** @return false when a supervisor took the row since the reset, so that there is nothing to put back */
    private boolean putBack(long id, Current before, OffsetDateTime queuedAt, QueueException publishFailure) {
        try {
            return jdbi.withHandle(handle -> handle.createUpdate(PUT_BACK)
                    .bind("id", id)
                    .bind("before", before.row())
                    .bind("queuedAt", queuedAt)
                    .execute()) == 1 || stillQueued(id);
        } catch (RuntimeException e) {
            publishFailure.addSuppressed(new QueueException("task " + id + " could not be put back as it was ("
                    + e.getMessage() + "); it stays queued, and a supervisor's outbox sweep publishes it", e));
            return true;
        }
    }

    private boolean stillQueued(long id) {
        return jdbi.withHandle(handle -> handle.createQuery("select status = 'queued' from tasks where id = :id")
                .bind("id", id)
                .mapTo(Boolean.class)
                .findOne()
                .orElse(false));
    }

    private static Optional<Current> lock(Handle handle, long id) {
        return handle.createQuery("select status, worker, exists (select 1 from workers w where w.name = tasks.worker"
                        + " and w.heartbeat_at > now() - make_interval(secs => :deadSeconds)) as runner_alive,"
                        + " to_jsonb(tasks) as row from tasks where id = :id for update")
                .bind("id", id)
                .bind("deadSeconds", Workers.DEAD_AFTER.toMillis() / 1000.0)
                .map((rs, ctx) -> new Current(TaskStatus.of(rs.getString("status")), rs.getString("worker"),
                        rs.getBoolean("runner_alive"), rs.getString("row")))
                .findOne();
    }

    /**
     * A live task holding this task's unique key: running it too would break the key's promise, and
     * the unique index would refuse the reset with a bare constraint error.
     */
    private static Optional<String> keyHeld(Handle handle, long id) {
        return handle.createQuery("select other.id, other.unique_key from tasks t join tasks other"
                        + " on other.unique_key = t.unique_key and other.id <> t.id"
                        + " and other.status in ('scheduled', 'queued', 'running', 'retrying') where t.id = :id limit 1")
                .bind("id", id)
                .map((rs, ctx) -> "task " + id + "'s unique key \"" + rs.getString("unique_key")
                        + "\" is held by live task " + rs.getLong("id") + "; run it again once that one has ended")
                .findOne();
    }

    /** The live task that holds {@code uniqueKey} now, if one does: a message with that key would create nothing. */
    Optional<Long> liveHolderOf(String uniqueKey) {
        return jdbi.withHandle(handle -> handle.createQuery("select id from tasks where unique_key = :key"
                        + " and status in ('scheduled', 'queued', 'running', 'retrying') limit 1")
                .bind("key", uniqueKey)
                .mapTo(Long.class)
                .findOne());
    }

    private static Optional<String> retryRefusal(long id, TaskStatus status) {
        return switch (status) {
            case FAILED, CRASHED, EXPIRED -> Optional.empty();
            default -> Optional.of("task " + id + " is " + status.value()
                    + ": only a failed, crashed or expired task is retried");
        };
    }

    private static Optional<String> refusal(long id, Current current) {
        return switch (current.status()) {
            case FAILED, CRASHED, QUEUED -> Optional.empty();
            case RUNNING -> current.runnerAlive()
                    ? Optional.of("task " + id + " is running now on " + current.worker()
                            + "; replay it once it has ended")
                    : Optional.empty();
            case RETRYING -> Optional.of("task " + id + " is retrying: its next attempt runs at its run_at");
            case SUCCEEDED -> Optional.of("task " + id + " succeeded; this dead letter is a stale copy"
                    + " (submit the task again to run it again)");
            case CANCELLED -> Optional.of("task " + id + " was cancelled");
            case SCHEDULED -> Optional.of("task " + id + " is scheduled: it runs at its time");
            case EXPIRED -> Optional.of("task " + id + " expired before it started; this dead letter is a stale copy");
        };
    }
}
