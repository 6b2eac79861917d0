package io.taskfork.shared.store;

import io.taskfork.shared.config.TypeLimits;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskOutcome;
import io.taskfork.shared.task.Usage;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * What a supervisor records of one attempt of a task, from its claim to its end: each a single
 * statement, fenced on the row's status and attempt number, so that a stale run never overwrites
 * a newer one.
 */
public final class Attempts {

    // An attempt's own figures replace the last one's; its CPU adds to the total of every attempt,
    // rounded to the millisecond every figure is counted in: 0.1 + 0.2 is 0.3, not 0.30000000000000004.
    private static final String USAGE = "cpu_seconds = :cpu, peak_memory_bytes = :peak,"
            + " total_cpu_seconds = case when cast(:cpu as double precision) is null then total_cpu_seconds"
            + " else round(cast(coalesce(total_cpu_seconds, 0) + :cpu as numeric), 3) end";
    // An attempt given back, by a shutdown or a child that could not start, does not count; it is
    // given back only while it runs and its handler has not returned (see EarlyResults).
    // Given back as if it had not started: the progress it reported goes too, or a queued task shows 90%.
    private static final String UNCOUNTED = "attempts = attempts - 1, started_at = null, worker = null,"
            + " progress = null, progress_message = null";
    private static final String STILL_UNRETURNED =
            " where id = :id and attempts = :attempt and status = 'running' and returned_at is null";
    // Every task's last statement: plain JDBC (see PlainStatement)
    private static final PlainStatement FINISH = PlainStatement.of("update tasks set status = :status,"
            + " failure_kind = :failureKind, exit_code = :exitCode,"
            + " result = case when :kept then result else cast(:result as jsonb) end, error = :error,"
            + " log = :log, finished_at = now(), " + USAGE
            + " where id = :id and attempts = :attempt and status = 'running'");

    private final Jdbi jdbi;
    private final DataSource dataSource;

    Attempts(Jdbi jdbi, DataSource dataSource) {
        this.jdbi = jdbi;
        this.dataSource = dataSource;
    }

    /**
     * Marks a task running for a new attempt: a queued or retrying task, or a running one whose
     * runner is gone — its worker stopped beating its heart for {@link Workers#DEAD_AFTER}, or its
     * attempt started more than {@code staleAfter} ago (any child it had was killed at the task
     * timeout). A task running now is left alone, so two deliveries of one task never run at once;
     * so is one whose handler had returned its result when its runner died (see {@link EarlyResults}).
     *
     * @return the row as claimed, with its new attempt number; empty when it is not claimable
     */
    public Optional<Task> claim(long id, String worker, Duration staleAfter) {
        return claim(id, worker, staleAfter, null);
    }

    /**
     * As {@link #claim(long, String, Duration)}, but only a task of one of {@code types}: the one
     * statement a supervisor needs for a task it can run, in the common case.
     *
     * @param types the task types the caller can run, or null for any
     */
    public Optional<Task> claim(long id, String worker, Duration staleAfter, Collection<String> types) {
        return claim(id, worker, staleAfter, types, TypeLimits.NONE);
    }

    /**
     * As {@link #claim(long, String, Duration, java.util.Collection)}, but a task of a type with a
     * limit only while fewer than that many of its type run, on any supervisor (see {@link Claims}).
     */
    public Optional<Task> claim(long id, String worker, Duration staleAfter, Collection<String> types,
            TypeLimits limits) {
        if (limits.isEmpty()) {
            // one statement, which commits itself: a transaction around it would cost a round trip more
            return PlainStatement.withConnection(dataSource,
                    connection -> Claims.claim(connection, id, worker, staleAfter, types, limits));
        }
        return PlainStatement.inTransaction(dataSource,
                connection -> Claims.claim(connection, id, worker, staleAfter, types, limits));
    }

    /**
     * Puts back a task that could not start because its type is at its limit: it waits until
     * {@code delay} from now, {@code scheduled} (or still {@code retrying}), and the scheduler
     * publishes it again then. Its attempts are untouched.
     *
     * @return false when it was no longer waiting to run
     */
    public boolean putBack(long id, Duration delay) {
        return jdbi.withHandle(handle -> handle.createUpdate("update tasks set run_at = now()"
                        + " + make_interval(secs => :delaySeconds), published_at = null,"
                        + " status = case when status = 'queued' then 'scheduled' else status end"
                        + " where id = :id and status in ('queued', 'retrying')")
                .bind("id", id)
                .bind("delaySeconds", delay.toMillis() / 1000.0)
                .execute()) == 1;
    }

    /**
     * Puts back a task whose child could not start: it waits as a {@code scheduled} task until
     * {@code delay} from now, when the scheduler publishes it again, and the attempt does not count.
     * One whose handler returned its result is left alone: it is done (see {@link EarlyResults}).
     *
     * @return false when the row had moved on (cancelled, say)
     */
    public boolean deferStart(long id, int attempt, Duration delay) {
        return jdbi.withHandle(handle -> handle.createUpdate("update tasks set status = 'scheduled', "
                        + UNCOUNTED + ", published_at = null, run_at = now() + make_interval(secs => :delaySeconds)"
                        + STILL_UNRETURNED)
                .bind("id", id)
                .bind("attempt", attempt)
                .bind("delaySeconds", delay.toMillis() / 1000.0)
                .execute()) == 1;
    }

    /**
     * Records that attempt {@code attempt} failed and the task will run again: status
     * {@code retrying}, with this attempt's failure kind, exit code, error and log kept for a look.
     *
     * @return false when the row had moved on
     */
    public boolean retry(long id, int attempt, TaskOutcome failure, Duration delay) {
        return retry(id, attempt, failure, Usage.UNKNOWN, delay);
    }

    /**
     * As {@link #retry(long, int, TaskOutcome, Duration)}, with what the attempt cost. The next
     * attempt is a scheduled run: {@code run_at} is {@code delay} from now, by the database's
     * clock, and the scheduler publishes the task then (see {@link DueTasks#takeDue}).
     */
    public boolean retry(long id, int attempt, TaskOutcome failure, Usage usage, Duration delay) {
        return jdbi.withHandle(handle -> handle
                .createUpdate("update tasks set status = 'retrying', failure_kind = :failureKind,"
                        + " exit_code = :exitCode, error = :error, log = :log, " + USAGE + ","
                        + " run_at = now() + make_interval(secs => :delaySeconds), published_at = null"
                        + " where id = :id and attempts = :attempt and status = 'running'")
                .bind("id", id)
                .bind("attempt", attempt)
                .bind("delaySeconds", delay.toMillis() / 1000.0)
                .bind("cpu", usage.cpuSeconds())
                .bind("peak", usage.peakMemoryBytes())
                .bind("failureKind", failure.failureKind() == null ? null : failure.failureKind().value())
                .bind("exitCode", failure.exitCode())
                .bind("error", Json.withoutNul(failure.error()))
                .bind("log", Json.withoutNul(failure.log()))
                .execute()) == 1;
    }

    /**
     * Gives back a task whose attempt was stopped by a shutdown, or never started, not by anything it
     * did: it is queued again and the attempt does not count. One whose handler returned its result
     * is left alone: it is done (see {@link EarlyResults}).
     *
     * @param started whether its child was handed the task: then it has started once, and no expiry
     *                holds it any more, though its attempts, back to 0, no longer say so
     */
    public boolean release(long id, int attempt, boolean started) {
        return jdbi.withHandle(handle -> handle
                .createUpdate("update tasks set status = 'queued', " + UNCOUNTED
                        + (started ? ", expires_at = null" : "") + STILL_UNRETURNED)
                .bind("id", id)
                .bind("attempt", attempt)
                .execute()) == 1;
    }

    /**
     * Records how attempt {@code attempt} of a task ended. The attempt number fences out a stale
     * run: its result never overwrites a newer attempt's.
     *
     * @return false when the row had moved on (another attempt, or already terminal)
     */
    public boolean finish(long id, int attempt, TaskOutcome outcome) {
        return finish(id, attempt, outcome, Usage.UNKNOWN);
    }

    /** As {@link #finish(long, int, TaskOutcome)}, with what the attempt cost. */
    public boolean finish(long id, int attempt, TaskOutcome outcome, Usage usage) {
        return finish(id, attempt, outcome, usage, false);
    }

    /**
     * As {@link #finish(long, int, TaskOutcome, Usage)}; with {@code resultKept}, the row keeps the
     * result recorded as the handler returned ({@link EarlyResults}), and the outcome's is not written
     * out again: a result of many MiB costs the supervisor's heap several times its size to write.
     */
    public boolean finish(long id, int attempt, TaskOutcome outcome, Usage usage, boolean resultKept) {
        return FINISH.bind("id", id)
                .bind("attempt", attempt)
                .bind("cpu", usage.cpuSeconds())
                .bind("peak", usage.peakMemoryBytes())
                .bind("status", outcome.status().value())
                .bind("failureKind", outcome.failureKind() == null ? null : outcome.failureKind().value())
                .bind("exitCode", outcome.exitCode())
                .bind("kept", resultKept)
                .bind("result", resultKept || outcome.result() == null ? null
                        : Json.write(Json.withoutNul(outcome.result())))
                .bind("error", Json.withoutNul(outcome.error()))
                .bind("log", Json.withoutNul(outcome.log()))
                .execute(dataSource) == 1;
    }

    /**
     * Keeps what attempt {@code attempt} of a task cancelled while it ran had printed and used by the
     * time its child was killed: the cancel ended the row at once, before the child was gone. The
     * claim cleared the exit code, and this writes it: a second try of this statement adds no CPU to
     * the total again.
     *
     * @return false when the row is not that attempt, cancelled while it ran
     */
    public boolean cancelled(long id, int attempt, int exitCode, String log, Usage usage) {
        return jdbi.withHandle(handle -> handle
                // finished_at too, for a cancel made by SQL by hand, which sets no more than the status
                .createUpdate("update tasks set exit_code = :exitCode, log = :log,"
                        + " finished_at = coalesce(finished_at, now()), " + USAGE
                        + " where id = :id and attempts = :attempt and status = 'cancelled' and exit_code is null")
                .bind("id", id)
                .bind("attempt", attempt)
                .bind("exitCode", exitCode)
                .bind("cpu", usage.cpuSeconds())
                .bind("peak", usage.peakMemoryBytes())
                .bind("log", Json.withoutNul(log))
                .execute()) == 1;
    }

    /** Records the progress attempt {@code attempt} reports, while it runs. */
    public boolean progress(long id, int attempt, int percent, String message) {
        return jdbi.withHandle(handle -> handle
                .createUpdate("update tasks set progress = :percent, progress_message = :message"
                        + " where id = :id and attempts = :attempt and status = 'running'")
                .bind("id", id)
                .bind("attempt", attempt)
                .bind("percent", Math.max(0, Math.min(100, percent)))
                .bind("message", Json.withoutNul(message))
                .execute()) == 1;
    }

    /** The output of a task that is still running, so far; the outcome replaces it with the whole log. */
    public void runningLog(long id, String log) {
        jdbi.useHandle(handle -> handle.createUpdate("update tasks set log = :log where id = :id and status = 'running'")
                .bind("id", id)
                .bind("log", Json.withoutNul(log))
                .execute());
    }

    /** Records that the broker confirmed the task's dead letter. */
    public void markDeadLettered(long id) {
        jdbi.useHandle(handle -> handle.createUpdate("update tasks set dead_lettered_at = now() where id = :id")
                .bind("id", id)
                .execute());
    }

    /** True when the task failed or crashed and its dead letter was never confirmed. */
    public boolean lacksDeadLetter(long id) {
        return jdbi.withHandle(handle -> handle
                .createQuery("select count(*) from tasks where id = :id and status in ('failed', 'crashed')"
                        + " and dead_lettered_at is null")
                .bind("id", id)
                .mapTo(Integer.class)
                .one()) > 0;
    }

}
