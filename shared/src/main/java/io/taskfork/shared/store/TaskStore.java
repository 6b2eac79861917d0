package io.taskfork.shared.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/** Reads and writes task rows. Every state change is one statement, guarded by the row's current state. */
public final class TaskStore {

    private static final TaskRowMapper MAPPER = new TaskRowMapper();
    /**
     * A running row's runner is gone: its worker stopped beating its heart for
     * {@link Workers#DEAD_AFTER}, or its attempt started more than {@code :staleSeconds} ago.
     */
    static final String RUNNER_GONE = "(started_at < now() - make_interval(secs => :staleSeconds)"
            + " or not exists (select 1 from workers w where w.name = tasks.worker"
            + " and w.heartbeat_at > now() - make_interval(secs => :deadSeconds)))";

    // several times a second while tasks run: plain JDBC (see PlainStatement)
    private static final PlainStatement CANCELLED_AMONG =
            PlainStatement.of("select id from tasks where id = any(:ids) and status = 'cancelled'");

    private final Jdbi jdbi;
    private final DataSource dataSource;
    private final String schema;

    public TaskStore(Database database) {
        this.jdbi = database.jdbi();
        this.dataSource = database.dataSource();
        this.schema = database.schema();
    }

    /** The schema the rows are in: a task ID names a row of it alone. */
    public String schema() {
        return schema;
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
        refuseUnstorable(task);
        return jdbi.inTransaction(handle -> TaskInserts.insert(handle, task));
    }

    /** Inserts tasks in one transaction and returns their IDs in the same order (see {@link #createAll}). */
    public List<Long> insertAll(List<NewTask> tasks) {
        return createAll(tasks).stream().map(Inserted::id).toList();
    }

    /** As {@link #create}, for many tasks in one transaction; the results are in the same order. */
    public List<Inserted> createAll(List<NewTask> tasks) {
        tasks.forEach(TaskStore::refuseUnstorable);
        return jdbi.inTransaction(handle -> TaskInserts.insertAll(handle, tasks));
    }

    private static void refuseUnstorable(NewTask task) {
        String found = Json.unstorable(task.payload());
        if (found != null) {
            throw new IllegalArgumentException("payload contains " + found + ", which PostgreSQL cannot store");
        }
    }

    /** What a supervisor records of each attempt, from its claim to its end. */
    public Attempts attempts() {
        return new Attempts(jdbi, dataSource);
    }

    /** The statements of a success recorded before its child exits. */
    public EarlyResults earlyResults() {
        return new EarlyResults(jdbi, dataSource);
    }

    /** The end of a task whose message reached its delivery limit. */
    public DeliveryLimit deliveryLimit() {
        return new DeliveryLimit(jdbi);
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
     * @param task            the task the message created, or named by its message ID; or, when
     *                        {@code created} is false, the live task that holds its unique key
     * @param created         false when nothing was created for the message because of that key
     * @param anotherMessage true when its message ID had made {@code task} from another message: of
     *                        another type or payload, not a copy of this one
     */
    public record FromMessage(Task task, boolean created, boolean anotherMessage) {
    }

    /** How many tasks of {@code type} run now, on any supervisor. */
    public long running(String type) {
        return jdbi.withHandle(handle -> handle
                .createQuery("select count(*) from tasks where type = :type and status = 'running'")
                .bind("type", type)
                .mapTo(Long.class)
                .one());
    }

    /** The tasks that wait for their time, and those that expire unstarted. */
    public DueTasks dueTasks() {
        return new DueTasks(jdbi, dataSource);
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
                // A task between attempts keeps why its last one ended: often why it was cancelled. A
                // running one has none (its claim cleared it): its supervisor records what the kill ends.
                handle.createUpdate("update tasks set status = 'cancelled', finished_at = now(), failure_kind = null,"
                                + " error = case when status <> 'running' and error is not null"
                                + " then 'cancelled; attempt ' || attempts || ' had ended: ' || error"
                                + " else 'cancelled' end where id = :id")
                        .bind("id", id)
                        .execute();
            }
            return before;
        });
    }

    /** Those of {@code ids} that are cancelled now. */
    public List<Long> cancelledAmong(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return PlainStatement.withConnection(dataSource, connection -> CANCELLED_AMONG
                .bind("ids", connection.createArrayOf("bigint", ids.toArray()))
                .list(connection, (rows, context) -> rows.getLong(1)));
    }

    /**
     * Runs {@code work} with those of {@code ids} whose rows have ended (succeeded, failed, crashed,
     * cancelled, expired), in a transaction that holds those rows as they are: until {@code work}
     * returns, nothing puts one back to run (the reset of a replay, a retry or an audit's repair waits).
     */
    public void whileEnded(Collection<Long> ids, Consumer<Set<Long>> work) {
        if (ids.isEmpty()) {
            return;
        }
        jdbi.useTransaction(handle -> work.accept(Set.copyOf(handle.createQuery("select id from tasks"
                        + " where id = any(:ids) and status in ('succeeded', 'failed', 'crashed', 'cancelled', 'expired')"
                        + " for share")
                .bindArray("ids", Long.class, ids)
                .mapTo(Long.class)
                .list())));
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

    /**
     * How long the oldest task of {@code queue} waiting to run (queued or retrying) has waited; empty
     * when none waits. A row that names no queue is counted: it is of the one it was published to.
     */
    public Optional<Duration> oldestWaiting(String queue) {
        // A task waits from when it is due: one whose retry or first run is still to come has not begun to.
        return jdbi.withHandle(handle -> handle.createQuery("select extract(epoch from now()"
                        + " - min(greatest(created_at, coalesce(run_at, created_at)))) * 1000"
                        + " from tasks where status in ('queued', 'retrying') and coalesce(run_at, created_at) <= now()"
                        + " and (queue = :queue or queue is null)")
                .bind("queue", queue)
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
