package io.taskfork.shared.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import org.jdbi.v3.core.Jdbi;

/**
 * A success recorded the moment its handler returns, before its child has exited, and completed
 * with the exit code and the whole log once it has. A supervisor that dies between a handler's
 * return and the record runs the task again when its message comes back; recording before the
 * child's exit narrows that window from the child's exit and the log's drain to one statement.
 */
public final class EarlyResults {

    private final Jdbi jdbi;

    EarlyResults(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Marks attempt {@code attempt} succeeded with {@code result}; false when the row had moved on (cancelled). */
    public boolean succeed(long id, int attempt, JsonNode result) {
        return jdbi.withHandle(handle -> handle
                .createUpdate("update tasks set status = 'succeeded', result = cast(:result as jsonb), exit_code = 0,"
                        + " failure_kind = null, error = null, finished_at = now()"
                        + " where id = :id and attempts = :attempt and status = 'running'")
                .bind("id", id)
                .bind("attempt", attempt)
                .bind("result", Json.write(Json.withoutNul(result)))
                .execute()) == 1;
    }

    /** Adds the exit code and the whole log to a success recorded by {@link #succeed}. */
    public void complete(long id, int attempt, int exitCode, String log) {
        jdbi.useHandle(handle -> handle
                .createUpdate("update tasks set exit_code = :exitCode, log = :log"
                        + " where id = :id and attempts = :attempt and status = 'succeeded'")
                .bind("id", id)
                .bind("attempt", attempt)
                .bind("exitCode", exitCode)
                .bind("log", Json.withoutNul(log))
                .execute());
    }
}
