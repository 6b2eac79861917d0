package io.taskfork.producer.dlq;

import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.Workers;
import io.taskfork.shared.task.TaskStatus;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Puts the row of a dead task back to {@code queued}, as if it had never run, in the transaction
 * that publishes its ID again. The row stays locked until the broker has confirmed the message, so
 * a supervisor that receives it at once waits for the reset instead of finding the row ended; should
 * the publish fail, the reset is rolled back and the row is as it was.
 */
final class RowReset {

    /** How a reset ended. */
    sealed interface Outcome {

        /** The row is queued and its ID confirmed on the main queue; {@code before} is the status it had. */
        record Reset(TaskStatus before) implements Outcome {
        }

        /** The row was left alone, for the reason given. */
        record Refused(String why) implements Outcome {
        }
    }

    private static final String RESET = "update tasks set status = 'queued', attempts = 0, failure_kind = null,"
            + " exit_code = null, result = null, error = null, log = null, started_at = null, finished_at = null,"
            + " worker = null, progress = null, progress_message = null, dead_lettered_at = null,"
            + " published_at = now() where id = :id";

    private record Current(TaskStatus status, String worker, boolean runnerAlive) {
    }

    private final Jdbi jdbi;

    RowReset(Database database) {
        this.jdbi = database.jdbi();
    }

    /**
     * Resets the row of task {@code id} and runs {@code publish} before the reset commits. A row
     * that ended {@code failed} or {@code crashed}, is still {@code queued}, or is {@code running}
     * with its supervisor gone (its messages went dead at the broker's delivery limit while it was
     * claimed) is reset; any other is refused.
     *
     * @throws DlqException from {@code publish}; the row is then left as it was
     */
    Outcome reset(long id, Runnable publish) {
        return jdbi.inTransaction(handle -> {
            Optional<Current> current = lock(handle, id);
            if (current.isEmpty()) {
                return new Outcome.Refused("no task " + id + " exists");
            }
            Optional<String> refusal = refusal(id, current.get());
            if (refusal.isPresent()) {
                return new Outcome.Refused(refusal.get());
            }
            handle.createUpdate(RESET).bind("id", id).execute();
            publish.run();
            return new Outcome.Reset(current.get().status());
        });
    }

    private static Optional<Current> lock(Handle handle, long id) {
        return handle.createQuery("select status, worker, exists (select 1 from workers w where w.name = tasks.worker"
                        + " and w.heartbeat_at > now() - make_interval(secs => :deadSeconds)) as runner_alive"
                        + " from tasks where id = :id for update")
                .bind("id", id)
                .bind("deadSeconds", Workers.DEAD_AFTER.toMillis() / 1000.0)
                .map((rs, ctx) -> new Current(TaskStatus.of(rs.getString("status")), rs.getString("worker"),
                        rs.getBoolean("runner_alive")))
                .findOne();
    }

    private static Optional<String> refusal(long id, Current current) {
        return switch (current.status()) {
            case FAILED, CRASHED, QUEUED -> Optional.empty();
            case RUNNING -> current.runnerAlive()
                    ? Optional.of("task " + id + " is running now on " + current.worker()
                            + "; replay it once it has ended")
                    : Optional.empty();
            case RETRYING -> Optional.of("task " + id + " is retrying: its next attempt waits in the retry queue");
            case SUCCEEDED -> Optional.of("task " + id + " succeeded; this dead letter is a stale copy"
                    + " (submit the task again to run it again)");
            case CANCELLED -> Optional.of("task " + id + " was cancelled");
        };
    }
}
