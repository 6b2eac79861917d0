package io.taskfork.shared.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskOutcome;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.task.Usage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Reads and writes task rows. Every state change is one statement, guarded by the row's current state. */
public final class TaskStore {

    private static final TaskRowMapper MAPPER = new TaskRowMapper();
    // An attempt's own figures replace the last one's; its CPU adds to the total of every attempt.
    private static final String USAGE = "cpu_seconds = :cpu, peak_memory_bytes = :peak,"
            + " total_cpu_seconds = case when cast(:cpu as double precision) is null then total_cpu_seconds"
            + " else coalesce(total_cpu_seconds, 0) + :cpu end";
    /**
     * A running row's runner is gone: its worker stopped beating its heart for
     * {@link Workers#DEAD_AFTER}, or its attempt started more than {@code :staleSeconds} ago.
     */
    static final String RUNNER_GONE = "(started_at < now() - make_interval(secs => :staleSeconds)"
            + " or not exists (select 1 from workers w where w.name = tasks.worker"
            + " and w.heartbeat_at > now() - make_interval(secs => :deadSeconds)))";

    private final Jdbi jdbi;

    public TaskStore(Database database) {
        this.jdbi = database.jdbi();
    }

    /** Inserts a task and returns its ID, or that of the live task that holds its unique key. */
    public long insert(NewTask task) {
        return create(task).id();
    }

    /**
     * Inserts a task: {@code queued}, or {@code scheduled} when its {@code run_at} is still to come;
     * nothing when another live task holds its unique key.
     */
    public Inserted create(NewTask task) {
        refuseNul(task);
        return jdbi.inTransaction(handle -> TaskInserts.insert(handle, task));
    }

    /** Inserts tasks in one transaction and returns their IDs in the same order (see {@link #createAll}). */
    public List<Long> insertAll(List<NewTask> tasks) {
        return createAll(tasks).stream().map(Inserted::id).toList();
    }

    /** As {@link #create}, for many tasks in one transaction; the results are in the same order. */
    public List<Inserted> createAll(List<NewTask> tasks) {
        tasks.forEach(TaskStore::refuseNul);
        return jdbi.inTransaction(handle -> TaskInserts.insertAll(handle, tasks));
    }

    private static void refuseNul(NewTask task) {
        if (Json.containsNul(task.payload())) {
            throw new IllegalArgumentException("payload contains a NUL character (\\u0000), which PostgreSQL cannot store");
        }
    }

    /** The statements of a success recorded before its child exits. */
    public EarlyResults earlyResults() {
        return new EarlyResults(jdbi);
    }

    /** The rows of this store whose message is owed. */
    public Outbox outbox() {
        return new Outbox(jdbi);
    }

    /** The tasks, newest first, a page at a time. */
    public TaskPages pages() {
        return new TaskPages(jdbi);
    }

    /** The changing parts of many tasks at once, for those who follow them. */
    public TaskWatch watch() {
        return new TaskWatch(jdbi);
    }

    public Optional<Task> find(long id) {
        return jdbi.withHandle(handle -> handle
                .createQuery("select " + TaskRowMapper.COLUMNS + " from tasks where id = :id")
                .bind("id", id)
                .map(MAPPER)
                .findOne());
    }

    /** The task created from the JSON message with this {@code message_id}, if one was. */
    public Optional<Task> findByMessageId(String messageId) {
        return jdbi.withHandle(handle -> handle
                .createQuery("select " + TaskRowMapper.COLUMNS + " from tasks where message_id = :messageId")
                .bind("messageId", messageId)
                .map(MAPPER)
                .findOne());
    }

    /**
     * The task a JSON message asks for: created now, or, when another message with the same
     * {@code messageId} created it before, that one; or, when another live task holds its unique
     * key, none, and that task is named instead.
     */
    public FromMessage createFromMessage(NewTask task, String messageId) {
        return jdbi.inTransaction(handle -> TaskInserts.fromMessage(handle, task, messageId));
    }

    /**
     * @param task    the task the message created, or named by its message ID; or, when
     *                {@code created} is false, the live task that holds its unique key
     * @param created false when nothing was created for the message because of that key
     */
    public record FromMessage(Task task, boolean created) {
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
    public Optional<Task> claim(long id, String worker, Duration staleAfter, java.util.Collection<String> types) {
        return claim(id, worker, staleAfter, types, io.taskfork.shared.config.TypeLimits.NONE);
    }

    /**
     * As {@link #claim(long, String, Duration, java.util.Collection)}, but a task of a type with a
     * limit only while fewer than that many of its type run, on any supervisor (see {@link Claims}).
     */
    public Optional<Task> claim(long id, String worker, Duration staleAfter, java.util.Collection<String> types,
            io.taskfork.shared.config.TypeLimits limits) {
        return jdbi.inTransaction(handle -> Claims.claim(handle, id, worker, staleAfter, types, limits));
    }

    /** How many tasks of {@code type} run now, on any supervisor. */
    public long running(String type) {
        return jdbi.withHandle(handle -> handle
                .createQuery("select count(*) from tasks where type = :type and status = 'running'")
                .bind("type", type)
                .mapTo(Long.class)
                .one());
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
     * Ends a task that was never started and is past its {@code expires_at}: status {@code expired}.
     *
     * @return false when it had started, or moved on, or is not past its expiry
     */
    public boolean expire(long id) {
        return jdbi.withHandle(handle -> handle.createUpdate("update tasks set status = 'expired', finished_at = now()"
                        + " where id = :id and attempts = 0 and expires_at <= now() and status in ('scheduled', 'queued')")
                .bind("id", id)
                .execute()) == 1;
    }

    /** The tasks that wait for their time, and those that expire unstarted. */
    public DueTasks dueTasks() {
        return new DueTasks(jdbi);
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
     */
    public boolean release(long id, int attempt) {
        return jdbi.withHandle(handle -> handle
                .createUpdate("update tasks set status = 'queued', attempts = attempts - 1, started_at = null,"
                        + " worker = null where id = :id and attempts = :attempt and status = 'running'"
                        + " and returned_at is null")
                .bind("id", id)
                .bind("attempt", attempt)
                .execute()) == 1;
    }

    /**
     * Cancels a task that is not terminal yet. A queued or retrying one never runs; a running one
     * is stopped by its supervisor.
     *
     * @return the status it had, or empty when there is no such task
     */
    public Optional<TaskStatus> cancel(long id) {
        return jdbi.inTransaction(handle -> {
            Optional<TaskStatus> before = handle.createQuery("select status from tasks where id = :id for update")
                    .bind("id", id)
                    .mapTo(String.class)
                    .findOne()
                    .map(TaskStatus::of);
            if (before.isPresent() && !before.get().isTerminal()) {
                handle.createUpdate("update tasks set status = 'cancelled', finished_at = now(),"
                                + " error = 'cancelled' where id = :id")
                        .bind("id", id)
                        .execute();
            }
            return before;
        });
    }

    /** Those of {@code ids} that are cancelled now. */
    public List<Long> cancelledAmong(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(handle -> handle
                .createQuery("select id from tasks where id in (<ids>) and status = 'cancelled'")
                .bindList("ids", List.copyOf(ids))
                .mapTo(Long.class)
                .list());
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
        return jdbi.withHandle(handle -> handle
                .createUpdate("update tasks set status = :status, failure_kind = :failureKind, exit_code = :exitCode,"
                        + " result = cast(:result as jsonb), error = :error, log = :log, finished_at = now(), " + USAGE
                        + " where id = :id and attempts = :attempt and status = 'running'")
                .bind("id", id)
                .bind("attempt", attempt)
                .bind("cpu", usage.cpuSeconds())
                .bind("peak", usage.peakMemoryBytes())
                .bind("status", outcome.status().value())
                .bind("failureKind", outcome.failureKind() == null ? null : outcome.failureKind().value())
                .bind("exitCode", outcome.exitCode())
                .bind("result", outcome.result() == null ? null : Json.write(Json.withoutNul(outcome.result())))
                .bind("error", Json.withoutNul(outcome.error()))
                .bind("log", Json.withoutNul(outcome.log()))
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

    /**
     * Fails a task that no handler can run, without running it: only while it waits to run, never
     * a row another supervisor (one that knows the type) has claimed meanwhile.
     */
    public boolean failUnknownType(long id, String error) {
        return jdbi.withHandle(handle -> handle
                .createUpdate("update tasks set status = 'failed', failure_kind = :failureKind, error = :error,"
                        + " finished_at = now() where id = :id and status in ('queued', 'retrying')")
                .bind("id", id)
                .bind("failureKind", FailureKind.UNKNOWN_TYPE.value())
                .bind("error", Json.withoutNul(error))
                .execute()) == 1;
    }

    /** The captured output of a task, or empty when it has none yet. */
    public Optional<String> log(long id) {
        return jdbi.withHandle(handle -> handle
                .createQuery("select log from tasks where id = :id and log is not null")
                .bind("id", id)
                .mapTo(String.class)
                .findOne());
    }

    /** How long the oldest task waiting to run (queued or retrying) has existed; empty when none waits. */
    public Optional<Duration> oldestWaiting() {
        return jdbi.withHandle(handle -> handle.createQuery("select extract(epoch from now() - min(greatest(created_at, coalesce(run_at, created_at)))) * 1000"
                        + " from tasks where status in ('queued', 'retrying')")
                .mapTo(Double.class)
                .findOne()
                .map(millis -> Duration.ofMillis(Math.round(millis))));
    }

    /** Counts of tasks by status. */
    public java.util.Map<TaskStatus, Long> countByStatus() {
        java.util.Map<TaskStatus, Long> counts = new java.util.EnumMap<>(TaskStatus.class);
        jdbi.useHandle(handle -> handle.createQuery("select status, count(*) as n from tasks group by status")
                .map((rs, ctx) -> java.util.Map.entry(TaskStatus.of(rs.getString("status")), rs.getLong("n")))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
        return counts;
    }
}
