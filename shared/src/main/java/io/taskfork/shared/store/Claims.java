package io.taskfork.shared.store;

import io.taskfork.shared.config.TypeLimits;
import io.taskfork.shared.task.Task;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

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

    private static final PlainStatement TYPE = PlainStatement.of("select type from tasks where id = :id");
    private static final PlainStatement LOCK =
            PlainStatement.of("select 1 from pg_advisory_xact_lock(hashtext(:lock))");
    private static final PlainStatement ANY_TYPE = claim("", "");
    private static final PlainStatement OF_TYPES = claim(" and type = any(:types)", "");
    private static final PlainStatement ANY_TYPE_LIMITED = claim("", UNDER_LIMIT);
    private static final PlainStatement OF_TYPES_LIMITED = claim(" and type = any(:types)", UNDER_LIMIT);

    private Claims() {
    }

    private static PlainStatement claim(String types, String limit) {
        return PlainStatement.of(CLAIM + types + limit + " returning " + TaskRowMapper.COLUMNS);
    }

    /**
     * On {@code connection}: in its transaction, which holds the type's lock until it commits; with
     * no limits, one statement, which may commit itself.
     */
    static Optional<Task> claim(Connection connection, long id, String worker, Duration staleAfter,
            Collection<String> types, TypeLimits limits) throws SQLException {
        Integer limit = null;
        if (!limits.isEmpty()) {
            Optional<String> type = TYPE.bind("id", id).findFirst(connection, (rows, context) -> rows.getString(1));
            limit = type.map(limits::of).orElse(null);
            if (limit != null) {
                LOCK.bind("lock", "taskfork.type-limit." + type.get()).findFirst(connection, (rows, context) -> 1);
            }
        }
        PlainStatement statement = types == null
                ? (limit == null ? ANY_TYPE : ANY_TYPE_LIMITED)
                : (limit == null ? OF_TYPES : OF_TYPES_LIMITED);
        PlainStatement.Run claim = statement.bind("id", id)
                .bind("worker", worker)
                .bind("staleSeconds", staleAfter.toMillis() / 1000.0)
                .bind("deadSeconds", Workers.DEAD_AFTER.toMillis() / 1000.0);
        if (types != null) {
            claim.bind("types", connection.createArrayOf("text", types.toArray()));
        }
        if (limit != null) {
            claim.bind("limit", limit);
        }
        return claim.findFirst(connection, MAPPER);
    }
}
