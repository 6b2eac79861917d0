package io.taskfork.shared.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskOutcome;
import io.taskfork.shared.task.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Reads and writes task rows. Every state change is one statement, guarded by the row's current state. */
public final class TaskStore {

    private static final String NOT_TERMINAL = "status in ('queued', 'running', 'retrying')";
    private static final TaskRowMapper MAPPER = new TaskRowMapper();

    private final Jdbi jdbi;

    public TaskStore(Database database) {
        this.jdbi = database.jdbi();
    }

    /** Inserts a queued task and returns its ID. */
    public long insert(NewTask task) {
        refuseNul(task);
        return jdbi.withHandle(handle -> handle
                .createUpdate("insert into tasks (type, payload) values (:type, cast(:payload as jsonb))")
                .bind("type", task.type())
                .bind("payload", Json.write(task.payload()))
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
    }

    /** Inserts queued tasks in one transaction and returns their IDs in the same order. */
    public List<Long> insertAll(List<NewTask> tasks) {
        tasks.forEach(TaskStore::refuseNul);
        return jdbi.inTransaction(handle -> {
            PreparedBatch batch = handle.prepareBatch(
                    "insert into tasks (type, payload) values (:type, cast(:payload as jsonb))");
            for (NewTask task : tasks) {
                batch.bind("type", task.type()).bind("payload", Json.write(task.payload())).add();
            }
            return batch.executePreparedBatch("id").mapTo(Long.class).list();
        });
    }

    private static void refuseNul(NewTask task) {
        if (Json.containsNul(task.payload())) {
            throw new IllegalArgumentException("payload contains a NUL character (\\u0000), which PostgreSQL cannot store");
        }
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
     * {@code messageId} created it before, that one.
     */
    public Task createFromMessage(String type, JsonNode payload, String messageId) {
        return jdbi.inTransaction(handle -> {
            Optional<Task> created = handle.createQuery("insert into tasks (type, payload, message_id)"
                            + " values (:type, cast(:payload as jsonb), :messageId)"
                            + " on conflict (message_id) do nothing returning " + TaskRowMapper.COLUMNS)
                    .bind("type", type)
                    .bind("payload", Json.write(payload))
                    .bind("messageId", messageId)
                    .map(MAPPER)
                    .findOne();
            return created.orElseGet(() -> handle
                    .createQuery("select " + TaskRowMapper.COLUMNS + " from tasks where message_id = :messageId")
                    .bind("messageId", messageId)
                    .map(MAPPER)
                    .one());
        });
    }

    /**
     * Marks a task running for a new attempt: a queued or retrying task, or one whose last attempt
     * started more than {@code staleAfter} ago (its runner is gone: any child it had was killed at
     * the task timeout). A task running now is left alone, so two deliveries of one task never run
     * at the same time.
     *
     * @return the row as claimed, with its new attempt number; empty when it is not claimable
     */
    public Optional<Task> claim(long id, String worker, Duration staleAfter) {
        return jdbi.withHandle(handle -> handle
                .createQuery("update tasks set status = 'running', attempts = attempts + 1, started_at = now(),"
                        + " finished_at = null, worker = :worker, failure_kind = null, exit_code = null,"
                        + " result = null, error = null"
                        + " where id = :id and (status in ('queued', 'retrying')"
                        + " or (status = 'running' and started_at < now() - make_interval(secs => :staleSeconds)))"
                        + " returning " + TaskRowMapper.COLUMNS)
                .bind("id", id)
                .bind("worker", worker)
                .bind("staleSeconds", staleAfter.toMillis() / 1000.0)
                .map(MAPPER)
                .findOne());
    }

    /**
     * Records how attempt {@code attempt} of a task ended. The attempt number fences out a stale
     * run: its result never overwrites a newer attempt's.
     *
     * @return false when the row had moved on (another attempt, or already terminal)
     */
    public boolean finish(long id, int attempt, TaskOutcome outcome) {
        return jdbi.withHandle(handle -> handle
                .createUpdate("update tasks set status = :status, failure_kind = :failureKind, exit_code = :exitCode,"
                        + " result = cast(:result as jsonb), error = :error, log = :log, finished_at = now()"
                        + " where id = :id and attempts = :attempt and status = 'running'")
                .bind("id", id)
                .bind("attempt", attempt)
                .bind("status", outcome.status().value())
                .bind("failureKind", outcome.failureKind() == null ? null : outcome.failureKind().value())
                .bind("exitCode", outcome.exitCode())
                .bind("result", outcome.result() == null ? null : Json.write(Json.withoutNul(outcome.result())))
                .bind("error", Json.withoutNul(outcome.error()))
                .bind("log", Json.withoutNul(outcome.log()))
                .execute()) == 1;
    }

    /** Fails a task that no handler can run, without running it. */
    public boolean failUnknownType(long id, String error) {
        return jdbi.withHandle(handle -> handle
                .createUpdate("update tasks set status = 'failed', failure_kind = :failureKind, error = :error,"
                        + " finished_at = now() where id = :id and " + NOT_TERMINAL)
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

    /** Counts of tasks by status. */
    public java.util.Map<TaskStatus, Long> countByStatus() {
        java.util.Map<TaskStatus, Long> counts = new java.util.EnumMap<>(TaskStatus.class);
        jdbi.useHandle(handle -> handle.createQuery("select status, count(*) as n from tasks group by status")
                .map((rs, ctx) -> java.util.Map.entry(TaskStatus.of(rs.getString("status")), rs.getLong("n")))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
        return counts;
    }
}
