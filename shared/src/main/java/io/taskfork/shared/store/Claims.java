package io.taskfork.shared.store;

import io.taskfork.shared.config.TypeLimits;
import io.taskfork.shared.task.Task;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The claim of a task for a new attempt: one guarded {@code UPDATE}. For a type with a limit, the
 * claim also counts the type's running tasks, under a transaction-scoped advisory lock of the type:
 * two supervisors claiming the last slot at the same instant take turns, and the second one's count
 * sees the first one's claim.
 */
final class Claims {

    private static final TaskRowMapper MAPPER = new TaskRowMapper();
    private static final String CLAIM = "update tasks set status = 'running', attempts = attempts + 1,"
            // the clock now, not the transaction's start: a claim of a limited type may have waited for its lock
            + " started_at = clock_timestamp(), finished_at = null, worker = :worker, failure_kind = null,"
            + " exit_code = null, result = null, returned_at = null, error = null, progress = null,"
            + " progress_message = null where id = :id"
            // a task past its expiry is never started (see TaskStore#expire)
            + " and (expires_at is null or expires_at > now() or attempts > 0)"
            // a retry whose time is still to come is published by the scheduler then
            + " and (status = 'queued' or (status = 'retrying' and (run_at is null or run_at <= now()))"
            + " or (status = 'running' and result is null and " + TaskStore.RUNNER_GONE + "))";
    private static final String UNDER_LIMIT = " and (select count(*) from tasks other where other.type = tasks.type"
            + " and other.status = 'running' and other.id <> tasks.id) < :limit";

    private Claims() {
    }

    /**
     * In the caller's transaction, which holds the type's lock until it commits; with no limits,
     * one statement, which may commit itself.
     */
    static Optional<Task> claim(Handle handle, long id, String worker, Duration staleAfter, Collection<String> types,
            TypeLimits limits) {
        Integer limit = null;
        if (!limits.isEmpty()) {
            Optional<String> type = handle.createQuery("select type from tasks where id = :id").bind("id", id)
                    .mapTo(String.class).findOne();
            limit = type.map(limits::of).orElse(null);
            if (limit != null) {
                handle.createQuery("select 1 from pg_advisory_xact_lock(hashtext(:lock))")
                        .bind("lock", "taskfork.type-limit." + type.get()).mapTo(Integer.class).one();
            }
        }
        Query claim = handle.createQuery(CLAIM + (types == null ? "" : " and type in (<types>)")
                        + (limit == null ? "" : UNDER_LIMIT) + " returning " + TaskRowMapper.COLUMNS)
                .bind("id", id)
                .bind("worker", worker)
                .bind("staleSeconds", staleAfter.toMillis() / 1000.0)
                .bind("deadSeconds", Workers.DEAD_AFTER.toMillis() / 1000.0);
        if (types != null) {
            claim.bindList("types", List.copyOf(types));
        }
        if (limit != null) {
            claim.bind("limit", limit);
        }
        return claim.map(MAPPER).findOne();
    }
}
