package io.taskfork.producer.cli;

import io.taskfork.shared.store.Database;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.TaskStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code status} without an ID shows: how many tasks are in each status, and the newest
 * tasks, read without their payload, result, log or whole error.
 *
 * @param counts tasks by status, every status present, zeros too
 * @param newest the newest tasks, newest first
 * @param now    the database's clock, which the ages are measured by
 */
record TaskOverview(Map<TaskStatus, Long> counts, List<Row> newest, Instant now) {

    /** The most an error is cut to: the table shows less, and JSON readers have {@code status ID}. */
    private static final int ERROR_CHARS = 200;

    /** One task as the overview shows it; {@code error} is the first line of the row's error. */
    record Row(long id, String type, TaskStatus status, int attempts, Integer progress, FailureKind failureKind,
            Integer exitCode, String error, Instant createdAt, Instant startedAt, Instant finishedAt, String worker,
            Double cpuSeconds, Long peakMemoryBytes) {
    }

    static TaskOverview read(Database database, int limit) {
        return database.jdbi().inTransaction(handle -> {
            Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
            for (TaskStatus status : TaskStatus.values()) {
                counts.put(status, 0L);
            }
            handle.createQuery("select status, count(*) as n from tasks group by status")
                    .map((rs, ctx) -> Map.entry(TaskStatus.of(rs.getString("status")), rs.getLong("n")))
                    .forEach(entry -> counts.put(entry.getKey(), entry.getValue()));
            List<Row> newest = handle.createQuery("select id, type, status, attempts, progress, failure_kind,"
                            + " exit_code, left(split_part(error, E'\\n', 1), " + ERROR_CHARS + ") as error,"
                            + " created_at, started_at, finished_at, worker, cpu_seconds, peak_memory_bytes"
                            + " from tasks order by id desc limit :limit")
                    .bind("limit", limit)
                    .map((rs, ctx) -> row(rs))
                    .list();
            Instant now = handle.createQuery("select now()").mapTo(OffsetDateTime.class).one().toInstant();
            return new TaskOverview(counts, newest, now);
        });
    }

    long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Row row(ResultSet rs) throws SQLException {
        String failureKind = rs.getString("failure_kind");
        return new Row(rs.getLong("id"), rs.getString("type"), TaskStatus.of(rs.getString("status")),
                rs.getInt("attempts"), rs.getObject("progress", Integer.class),
                failureKind == null ? null : FailureKind.of(failureKind), rs.getObject("exit_code", Integer.class),
                rs.getString("error"), instant(rs, "created_at"), instant(rs, "started_at"),
                instant(rs, "finished_at"), rs.getString("worker"), rs.getObject("cpu_seconds", Double.class),
                rs.getObject("peak_memory_bytes", Long.class));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
