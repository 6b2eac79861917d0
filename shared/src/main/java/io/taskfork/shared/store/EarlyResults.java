package io.taskfork.shared.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import java.time.Duration;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * A result recorded the moment its handler returns, while its child is still exiting. The row
 * stays {@code running} until the child's exit and whole log are recorded with it, as for any
 * outcome; but should its supervisor die in between, the task is not run again: a running row
 * with a result is not claimable, and whoever receives its message next records it succeeded. So
 * the window in which a task that ran to success runs again shrinks from the child's exit and the
 * log's drain to one statement.
 */
public final class EarlyResults {

    // one of every task's statements: plain JDBC (see PlainStatement)
    private static final PlainStatement RECORD = PlainStatement.of("update tasks set result = cast(:result as jsonb),"
            + " returned_at = now() where id = :id and attempts = :attempt and status = 'running'");

    // Best effort (the outcome records the result too), and a large result's record holds up the others':
    // it gives up rather than wait long for a row another transaction holds.
    private static final int RECORD_WITHIN_SECONDS = 10;

    private final Jdbi jdbi;
    private final DataSource dataSource;

    EarlyResults(Jdbi jdbi, DataSource dataSource) {
        this.jdbi = jdbi;
        this.dataSource = dataSource;
    }

    /** Keeps the result attempt {@code attempt} returned; false when the row had moved on (cancelled). */
    public boolean record(long id, int attempt, JsonNode result) {
        return RECORD.bind("id", id)
                .bind("attempt", attempt)
                .bind("result", Json.write(Json.withoutNul(result)))
                .within(RECORD_WITHIN_SECONDS)
                .execute(dataSource) == 1;
    }

    /**
     * Records as succeeded a running task whose handler had returned its result when its runner
     * went (see {@link TaskStore#claim}), with the log as it was last written.
     *
     * @return false when the row is not such a one
     */
    public boolean settleOrphaned(long id, Duration staleAfter) {
        return jdbi.withHandle(handle -> handle
                .createUpdate("update tasks set status = 'succeeded', finished_at = now() where id = :id"
                        + " and status = 'running' and result is not null and " + TaskStore.RUNNER_GONE)
                .bind("id", id)
                .bind("staleSeconds", staleAfter.toMillis() / 1000.0)
                .bind("deadSeconds", Workers.DEAD_AFTER.toMillis() / 1000.0)
                .execute()) == 1;
    }
}
