package io.taskfork.shared.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskOptions;
import io.taskfork.shared.task.TaskStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** Maps a {@code tasks} row to a {@link Task}. */
final class TaskRowMapper implements RowMapper<Task> {

    static final String COLUMNS = "id, type, payload::text as payload, status, attempts, failure_kind, exit_code,"
            + " result::text as result, error, created_at, started_at, finished_at, worker, progress, progress_message,"
            + " max_attempts, cpu_seconds, peak_memory_bytes, total_cpu_seconds, run_at, expires_at, unique_key, queue";

    @Override
    public Task map(ResultSet rs, StatementContext ctx) throws SQLException {
        String failureKind = rs.getString("failure_kind");
        Integer exitCode = rs.getObject("exit_code", Integer.class);
        return new Task(
                rs.getLong("id"),
                rs.getString("type"),
                json(rs.getString("payload")),
                TaskStatus.of(rs.getString("status")),
                rs.getInt("attempts"),
                failureKind == null ? null : FailureKind.of(failureKind),
                exitCode,
                json(rs.getString("result")),
                rs.getString("error"),
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                rs.getString("worker"),
                rs.getObject("progress", Integer.class),
                rs.getString("progress_message"),
                rs.getObject("max_attempts", Integer.class),
                rs.getObject("cpu_seconds", Double.class),
                rs.getObject("peak_memory_bytes", Long.class),
                rs.getObject("total_cpu_seconds", Double.class),
                new TaskOptions(instant(rs, "run_at"), instant(rs, "expires_at"), rs.getString("unique_key"),
                        rs.getString("queue")));
    }

    private static JsonNode json(String text) {
        return text == null ? null : Json.parse(text);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
