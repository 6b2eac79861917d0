package io.taskfork.shared.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * The tasks that wait for their time ({@code scheduled}, with {@code run_at}) and those that
 * expire unstarted ({@code expires_at}). Every supervisor looks; {@code FOR UPDATE SKIP LOCKED}
 * gives each row to exactly one of them, however many run.
 */
public final class DueTasks {

    // each scheduler's look: plain JDBC (see PlainStatement). Milliseconds from now until the
    // earliest row of each kind, by the database's clock; null for none, not positive for one due.
    // A task never started is due only until its expiry; one that has started once, whenever it comes due.
    private static final String NOT_EXPIRED = "(expires_at is null or expires_at > now() or attempts > 0)";
    private static final PlainStatement PENDING = PlainStatement.of(
            "select extract(epoch from (select min(run_at) from tasks where status in ('scheduled', 'retrying')"
                    + " and (queue = :queue or queue is null) and " + NOT_EXPIRED + ") - now()) * 1000 as due_in,"
                    + " extract(epoch from (select min(expires_at) from tasks where attempts = 0"
                    + " and status in ('scheduled', 'queued') and (queue = :queue or queue is null)) - now()) * 1000"
                    + " as expiring_in,"
                    + " extract(epoch from (select min(next_fire_at) from schedules where queue = :queue"
                    + " and not paused) - now()) * 1000 as firing_in");

    private final Jdbi jdbi;
    private final DataSource dataSource;

    DueTasks(Jdbi jdbi, DataSource dataSource) {
        this.jdbi = jdbi;
        this.dataSource = dataSource;
    }

    /**
     * Makes at most {@code limit} scheduled and retrying tasks of {@code queue} whose time has come
     * queued (a retrying one keeps its attempts and its last failure for a look), with
     * their message owed, in one statement: the caller then publishes them and marks them published
     * ({@link Outbox#markPublished}). A publish that fails leaves them to the outbox sweeper. A task
     * never started and past its expiry is left to {@link #expire}; one that has started once is
     * not expired, and its retry is taken whenever it comes due.
     *
     * @return the IDs, earliest first
     */
    public List<Long> takeDue(String queue, int limit) {
        return jdbi.withHandle(handle -> handle
                .createQuery("update tasks set status = 'queued', queued_at = now(), published_at = null"
                        + " where id in (select id from tasks where status in ('scheduled', 'retrying')"
                        + " and run_at <= now() and (queue = :queue or queue is null) and " + NOT_EXPIRED
                        + " order by run_at limit :limit for update skip locked) returning id")
                .bind("queue", queue)
                .bind("limit", limit)
                .mapTo(Long.class)
                .list());
    }

    /**
     * Ends at most {@code limit} tasks of {@code queue} that were never started and are past their
     * {@code expires_at}: status {@code expired}. The message of a queued one is acked when it comes.
     */
    public List<Expired> expire(String queue, int limit) {
        return jdbi.withHandle(handle -> handle
                .createQuery("update tasks set status = 'expired', finished_at = now() where id in (select id from tasks"
                        + " where expires_at <= now() and attempts = 0 and status in ('scheduled', 'queued')"
                        + " and (queue = :queue or queue is null) limit :limit for update skip locked)"
                        + " returning id, type, expires_at")
                .bind("queue", queue)
                .bind("limit", limit)
                .map((rs, ctx) -> new Expired(rs.getLong("id"), rs.getString("type"),
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant()))
                .list());
    }

    /**
     * Whether a look would find anything for {@link #expire}, {@link #takeDue} or the schedules of
     * {@code queue}, and when it would next, in one read-only statement with the same conditions as
     * theirs: most looks find nothing, and one statement costs the supervisor a fraction of the
     * writes it saves.
     */
    public Pending pending(String queue) {
        return PlainStatement.withConnection(dataSource, connection -> PENDING.bind("queue", queue)
                .findFirst(connection, (rs, ctx) -> new Pending(millis(rs, "due_in"), millis(rs, "expiring_in"),
                        millis(rs, "firing_in")))
                .orElseThrow());
    }

    private static Long millis(ResultSet row, String column) throws SQLException {
        double value = row.getDouble(column);
        return row.wasNull() ? null : (long) Math.ceil(value);
    }

    /**
     * What a look at one moment found waiting: milliseconds until the earliest due task, task to
     * expire and schedule to fire; null where there is none, not positive where one is due now.
     */
    public record Pending(Long dueIn, Long expiringIn, Long firingIn) {

        public boolean due() {
            return dueIn != null && dueIn <= 0;
        }

        public boolean expiring() {
            return expiringIn != null && expiringIn <= 0;
        }

        public boolean firing() {
            return firingIn != null && firingIn <= 0;
        }

        /** Milliseconds until the earliest of them all; empty when nothing waits for a time. */
        public OptionalLong next() {
            OptionalLong earliest = OptionalLong.empty();
            for (Long in : new Long[] {dueIn, expiringIn, firingIn}) {
                if (in != null && (earliest.isEmpty() || in < earliest.getAsLong())) {
                    earliest = OptionalLong.of(in);
                }
            }
            return earliest;
        }
    }

    /** A task that expired unstarted. */
    public record Expired(long id, String type, Instant expiresAt) {
    }
}
