package io.taskfork.shared.schedule;

import io.taskfork.shared.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/** The SQL shared by the command line's and the supervisors' use of {@code schedules}. */
final class ScheduleRows {

    /** Every column of a schedule, and its last task's status. */
    static final String SELECT = "select s.name, s.type, s.payload, s.cron, s.zone,"
            + " extract(epoch from s.every) * 1000 as every_ms, s.catch_up, s.queue, s.paused, s.next_fire_at,"
            + " s.last_task_id, t.status as last_task_status, s.created_at"
            + " from schedules s left join tasks t on t.id = s.last_task_id";

    // Made scheduled with its fire time as run_at, even though that has come: the scheduler of the
    // schedule's queue publishes it within a quarter of a second, and if this supervisor dies first,
    // the task waits in the database for the next one; nothing needs publishing after the commit.
    private static final String INSERT_TASK = "insert into tasks (type, payload, status, run_at, queue)"
            + " values (:type, cast(:payload as jsonb), 'scheduled', :runAt, :queue)";

    private ScheduleRows() {
    }

    static Schedule map(ResultSet rs, StatementContext context) throws SQLException {
        String cron = rs.getString("cron");
        Recurrence recurrence = cron != null ? CronRecurrence.parse(cron, rs.getString("zone"))
                : new EveryRecurrence(Duration.ofMillis(rs.getBigDecimal("every_ms").longValue()));
        return new Schedule(rs.getString("name"), rs.getString("type"), Json.parse(rs.getString("payload")),
                recurrence, CatchUp.of(rs.getString("catch_up")), rs.getString("queue"), rs.getBoolean("paused"),
                instant(rs, "next_fire_at"), rs.getObject("last_task_id", Long.class), rs.getString("last_task_status"),
                instant(rs, "created_at"));
    }

    /** The database's clock, as of the transaction's start: every due time is judged by it. */
    static Instant now(Handle handle) {
        return handle.createQuery("select now()").mapTo(OffsetDateTime.class).one().toInstant();
    }

    /** One task of {@code schedule} per time, in order; the IDs, in the same order. */
    static List<Long> insertTasks(Handle handle, Schedule schedule, List<Instant> runAt) {
        PreparedBatch batch = handle.prepareBatch(INSERT_TASK);
        for (Instant time : runAt) {
            batch.bind("type", schedule.type())
                    .bind("payload", Json.write(schedule.payload()))
                    .bind("runAt", time(time))
                    .bind("queue", schedule.queue())
                    .add();
        }
        return batch.executePreparedBatch("id").mapTo(Long.class).list();
    }

    static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
