package io.taskfork.producer.audit;

import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.DeliveryLimit;
import io.taskfork.shared.store.Workers;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** What the audit reads of task rows, and the two repairs it may make to them. */
final class AuditRows {

    /** A row as the audit compares it with the queues; {@code worker} only for a running row. */
    record Row(long id, String status, int attempts, String worker) {
    }

    private static final String ROW = "select id, status, attempts, worker from tasks";
    private static final String RUNNER_GONE = "not exists (select 1 from workers w where w.name = tasks.worker"
            + " and w.heartbeat_at > now() - make_interval(secs => :deadSeconds))";

    private static final RowMapper<Row> ROW_MAPPER = (rs, ctx) -> new Row(rs.getLong("id"), rs.getString("status"),
            rs.getInt("attempts"), rs.getString("worker"));

    // Rows of other main queues (named pools) have their messages there: not this audit's to judge.
    private static final String OF_QUEUE = " and (queue = :queue or queue is null)";

    private final Jdbi jdbi;
    private final String queue;

    /** @param queue the main queue audited */
    AuditRows(Database database, String queue) {
        this.jdbi = database.jdbi();
        this.queue = queue;
    }

    /** The rows of the audited queue's tasks: those the audit judges. */
    long count() {
        return jdbi.withHandle(handle -> handle.createQuery("select count(*) from tasks where true" + OF_QUEUE)
                .bind("queue", queue).mapTo(Long.class).one());
    }

    /**
     * Rows that wait to run and whose message is not owed: queued and confirmed by the broker, or
     * retrying from before retries were scheduled runs (run_at null: its message waits in
     * {@code .retry}). A retrying row with a run_at has no message until the scheduler publishes it.
     */
    List<Row> waitingWithMessageSent() {
        return rows(ROW + " where ((status = 'queued' and published_at is not null)"
                + " or (status = 'retrying' and run_at is null))" + OF_QUEUE);
    }

    /** Rows running on a supervisor whose heartbeat is gone. */
    List<Row> runningOnDeadSupervisors() {
        return jdbi.withHandle(handle -> handle.createQuery(ROW + " where status = 'running' and " + RUNNER_GONE + OF_QUEUE)
                .bind("deadSeconds", Workers.DEAD_AFTER.toMillis() / 1000.0)
                .bind("queue", queue)
                .map(ROW_MAPPER)
                .list());
    }

    /** Failed or crashed tasks that are not among {@code withDeadLetter}. */
    List<Long> endedBadlyWithout(Collection<Long> withDeadLetter) {
        return jdbi.withHandle(handle -> handle.createQuery("select id from tasks where status in ('failed', 'crashed')"
                        + " and not (id = any(:ids))" + OF_QUEUE + " order by id")
                .bindArray("ids", Long.class, withDeadLetter)
                .bind("queue", queue)
                .mapTo(Long.class)
                .list());
    }

    /** The status of each of {@code ids} that exists. */
    Map<Long, String> statuses(Collection<Long> ids) {
        return jdbi.withHandle(handle -> handle.createQuery("select id, status from tasks where id = any(:ids)")
                .bindArray("ids", Long.class, ids)
                .map((rs, ctx) -> Map.entry(rs.getLong("id"), rs.getString("status")))
                .list())
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** The tasks that JSON messages with these {@code message_id}s made. */
    Map<String, Long> idsByMessageId(Collection<String> messageIds) {
        return jdbi.withHandle(handle -> handle.createQuery("select message_id, id from tasks where message_id = any(:ids)")
                .bindArray("ids", String.class, messageIds)
                .map((rs, ctx) -> Map.entry(rs.getString("message_id"), rs.getLong("id")))
                .list())
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * Queues a lost row again with its message owed, committed before anything is published, if it
     * is still as the audit saw it: waiting to run, on the same attempt.
     */
    boolean owe(Row row) {
        return update("update tasks set status = 'queued', published_at = null, queued_at = now()"
                + " where id = :id and attempts = :attempts and status in ('queued', 'retrying')", row) == 1;
    }

    /**
     * Gives back a row its dead supervisor left running: queued, its message owed, and the attempt
     * it was on counted, as a takeover would count it.
     */
    boolean release(Row row) {
        return jdbi.withHandle(handle -> handle.createUpdate("update tasks set status = 'queued', worker = null,"
                        + " started_at = null, published_at = null, queued_at = now() where id = :id"
                        + " and attempts = :attempts and status = 'running' and worker = :worker and " + RUNNER_GONE)
                .bind("id", row.id())
                .bind("attempts", row.attempts())
                .bind("worker", row.worker())
                .bind("deadSeconds", Workers.DEAD_AFTER.toMillis() / 1000.0)
                .execute()) == 1;
    }

    /**
     * Ends a row whose only message is a dead letter as the supervisor ends it at the delivery
     * limit, its dead letter recorded, if it is still as the audit saw it: waiting to run, or
     * running on the same dead supervisor without a result, on the same attempt.
     */
    boolean endAtDeliveryLimit(Row row, String error) {
        return jdbi.withHandle(handle -> handle.createUpdate("update tasks set " + DeliveryLimit.ENDED + ","
                        + " dead_lettered_at = now() where id = :id and attempts = :attempts"
                        + " and (status in ('queued', 'retrying') and status = :status"
                        + " or status = 'running' and worker = :worker and result is null and " + RUNNER_GONE + ")")
                .bind("id", row.id())
                .bind("attempts", row.attempts())
                .bind("status", row.status())
                .bind("worker", row.worker())
                .bind("error", error)
                .bind("deadSeconds", Workers.DEAD_AFTER.toMillis() / 1000.0)
                .execute()) == 1;
    }

    private int update(String sql, Row row) {
        return jdbi.withHandle(handle -> handle.createUpdate(sql)
                .bind("id", row.id())
                .bind("attempts", row.attempts())
                .execute());
    }

    private List<Row> rows(String sql) {
        return jdbi.withHandle(handle -> handle.createQuery(sql).bind("queue", queue).map(ROW_MAPPER).list());
    }
}
