package io.taskfork.shared.store;

import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Inserts tasks. A task whose time is still to come is {@code scheduled}; the database's clock
 * decides, as it does when the scheduler takes it. A unique key is held by a partial unique index
 * over the live statuses, so two inserts racing with one key cannot both create a row: the loser's
 * {@code on conflict do nothing} returns nothing, and it reports the winner instead.
 */
final class TaskInserts {

    private static final TaskRowMapper MAPPER = new TaskRowMapper();
    static final String LIVE = "('scheduled', 'queued', 'running', 'retrying')";
    // Scheduled while its time is still to come, by the database's clock, as the scheduler reads it.
    private static final String FOR_LATER = "cast(:runAt as timestamptz) > now()";
    private static final String INSERT = "insert into tasks (type, payload, max_attempts, status, run_at, expires_at,"
            + " unique_key, queue) values (:type, cast(:payload as jsonb), :maxAttempts,"
            + " case when " + FOR_LATER + " then 'scheduled' else 'queued' end,"
            + " :runAt, :expiresAt, :uniqueKey, :queue)";
    private static final String UNLESS_KEY_HELD = " on conflict (unique_key) where unique_key is not null and status in "
            + LIVE + " do nothing";
    // A key's holder may end between the conflict and the look for it: then the key is free, and the
    // insert is tried again. Each round needs another task to take the key and end meanwhile.
    private static final int ROUNDS = 5;

    private TaskInserts() {
    }

    static Inserted insert(Handle handle, NewTask task) {
        for (int round = 0; round < ROUNDS; round++) {
            Optional<Inserted> created = bind(handle.createQuery(INSERT + UNLESS_KEY_HELD + " returning id, status"), task)
                    .map((rs, ctx) -> new Inserted(rs.getLong("id"), TaskStatus.of(rs.getString("status")), true))
                    .findOne();
            if (created.isPresent()) {
                return created.get();
            }
            Optional<Inserted> holder = holder(handle, task.options().uniqueKey());
            if (holder.isPresent()) {
                return holder.get();
            }
        }
        throw new IllegalStateException("unique key " + task.options().uniqueKey() + " changed hands " + ROUNDS
                + " times during one insert");
    }

    /** In order, in the caller's transaction; one batch when no task has a unique key. */
    static List<Inserted> insertAll(Handle handle, List<NewTask> tasks) {
        if (tasks.stream().anyMatch(task -> task.options().uniqueKey() != null)) {
            List<Inserted> inserted = new ArrayList<>(tasks.size());
            tasks.forEach(task -> inserted.add(insert(handle, task)));
            return inserted;
        }
        org.jdbi.v3.core.statement.PreparedBatch batch = handle.prepareBatch(INSERT);
        for (NewTask task : tasks) {
            bind(batch, task).add();
        }
        return batch.executePreparedBatch("id", "status")
                .map((rs, ctx) -> new Inserted(rs.getLong("id"), TaskStatus.of(rs.getString("status")), true))
                .list();
    }

    /** See {@link TaskStore#createFromMessage}: in the caller's transaction. */
    static TaskStore.FromMessage fromMessage(Handle handle, NewTask task, String messageId) {
        // It came in a message, so a queued one is published already; a scheduled one is
        // published by the scheduler when it is due.
        Optional<Task> created = TaskInserts.bind(handle.createQuery("insert into tasks (type, payload,"
                        + " max_attempts, status, run_at, expires_at, unique_key, queue, message_id, published_at)"
                        + " values (:type, cast(:payload as jsonb), :maxAttempts,"
                        + " case when " + FOR_LATER + " then 'scheduled' else 'queued' end,"
                        + " :runAt, :expiresAt, :uniqueKey, :queue, :messageId,"
                        + " case when " + FOR_LATER + " then null else now() end)"
                        + " on conflict do nothing returning " + TaskRowMapper.COLUMNS), task)
                .bind("messageId", messageId)
                .map(MAPPER)
                .findOne();
        if (created.isPresent()) {
            return new TaskStore.FromMessage(created.get(), true, false);
        }
        // Compared as jsonb, as it was stored: 1e2 and 100 are one number, and key order is no difference.
        Optional<TaskStore.FromMessage> earlier = messageId == null ? Optional.empty() : TaskInserts.bind(handle
                .createQuery("select " + TaskRowMapper.COLUMNS + ", type = :type and payload = cast(:payload as jsonb)"
                        + " as same_message from tasks where message_id = :messageId"), task)
                .bind("messageId", messageId)
                .map((rs, ctx) -> new TaskStore.FromMessage(MAPPER.map(rs, ctx), true, !rs.getBoolean("same_message")))
                .findOne();
        if (earlier.isPresent()) {
            return earlier.get();
        }
        long holder = TaskInserts.holder(handle, task.options().uniqueKey())
                .orElseThrow(() -> new IllegalStateException("the holder of unique key "
                        + task.options().uniqueKey() + " ended during the insert; the message comes back"))
                .id();
        return new TaskStore.FromMessage(handle
                .createQuery("select " + TaskRowMapper.COLUMNS + " from tasks where id = :id")
                .bind("id", holder).map(MAPPER).one(), false, false);
    }

    /** The live task that holds {@code key}, if one does. */
    static Optional<Inserted> holder(Handle handle, String key) {
        return handle.createQuery("select id, status from tasks where unique_key = :key and status in " + LIVE)
                .bind("key", key)
                .map((rs, ctx) -> new Inserted(rs.getLong("id"), TaskStatus.of(rs.getString("status")), false))
                .findOne();
    }

    static <S extends SqlStatement<S>> S bind(S statement, NewTask task) {
        return statement.bind("type", task.type())
                .bind("payload", Json.write(task.payload()))
                .bind("maxAttempts", task.maxAttempts())
                .bindByType("runAt", time(task.options().runAt()), OffsetDateTime.class)
                .bindByType("expiresAt", time(task.options().expiresAt()), OffsetDateTime.class)
                .bind("uniqueKey", task.options().uniqueKey())
                .bind("queue", task.options().queue());
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
