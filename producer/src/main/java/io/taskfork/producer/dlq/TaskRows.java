package io.taskfork.producer.dlq;

import io.taskfork.shared.store.Database;
import io.taskfork.shared.task.TaskStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** What the dead-letter tools read of task rows: one summary per task, by ID or by the message ID that created it. */
final class TaskRows {

    /** The columns of a row that say what it is and when it went dead. */
    record Row(long id, String type, TaskStatus status, Instant finishedAt, Instant deadLetteredAt, String messageId) {

        /** When its dead letter was confirmed, else when it ended; null for a row that has not ended. */
        Instant deadAt() {
            return deadLetteredAt != null ? deadLetteredAt : finishedAt;
        }
    }

    private static final String SELECT = "select id, type, status, finished_at, dead_lettered_at, message_id from tasks";

    private final Jdbi jdbi;

    TaskRows(Database database) {
        this.jdbi = database.jdbi();
    }

    Map<Long, Row> byIds(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return index(jdbi.withHandle(handle -> handle.createQuery(SELECT + " where id in (<ids>)")
                .bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> row(rs))
                .list()), Row::id);
    }

    Map<String, Row> byMessageIds(Collection<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Map.of();
        }
        return index(jdbi.withHandle(handle -> handle.createQuery(SELECT + " where message_id in (<ids>)")
                .bindList("ids", List.copyOf(messageIds))
                .map((rs, ctx) -> row(rs))
                .list()), Row::messageId);
    }

    private static <K> Map<K, Row> index(List<Row> rows, Function<Row, K> key) {
        return rows.stream().collect(Collectors.toMap(key, Function.identity()));
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getLong("id"), rs.getString("type"), TaskStatus.of(rs.getString("status")),
                instant(rs, "finished_at"), instant(rs, "dead_lettered_at"), rs.getString("message_id"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
