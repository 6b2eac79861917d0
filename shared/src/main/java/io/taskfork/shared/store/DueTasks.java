package io.taskfork.shared.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * The tasks that wait for their time ({@code scheduled}, with {@code run_at}) and those that
 * expire unstarted ({@code expires_at}). Every supervisor looks; {@code FOR UPDATE SKIP LOCKED}
 * gives each row to exactly one of them, however many run.
 */
public final class DueTasks {

    // four times a second: plain JDBC (see PlainStatement)
    private static final PlainStatement PENDING = PlainStatement.of(
            "select exists(select 1 from tasks where status in ('scheduled', 'retrying')"
                    + " and run_at <= now() and (queue = :queue or queue is null)"
                    + " and (expires_at is null or expires_at > now())) as due,"
                    + " exists(select 1 from tasks where expires_at <= now() and attempts = 0"
                    + " and status in ('scheduled', 'queued') and (queue = :queue or queue is null)) as expiring,"
                    + " exists(select 1 from schedules where queue = :queue and not paused"
                    + " and next_fire_at <= now()) as firing");

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
     * past its expiry is left to {@link #expire}.
     *
     * @return the IDs, earliest first
     */
    public List<Long> takeDue(String queue, int limit) {
        return jdbi.withHandle(handle -> handle
                .createQuery("update tasks set status = 'queued', queued_at = now(), published_at = null"
                        + " where id in (select id from tasks where status in ('scheduled', 'retrying') and run_at <= now()"
                        + " and (queue = :queue or queue is null) and (expires_at is null or expires_at > now())"
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
     * {@code queue}, in one read-only statement with the same conditions as theirs: most looks find
     * nothing, and one statement costs the supervisor a fraction of the writes it saves.
     */
    public Pending pending(String queue) {
        return PlainStatement.withConnection(dataSource, connection -> PENDING.bind("queue", queue)
                .findFirst(connection, (rs, ctx) -> new Pending(rs.getBoolean("due"), rs.getBoolean("expiring"),
                        rs.getBoolean("firing")))
                .orElseThrow());
    }

    /** What a look at one moment found waiting: due tasks, tasks to expire, schedules to fire. */
    public record Pending(boolean due, boolean expiring, boolean firing) {
    }

    /** A task that expired unstarted. */
    public record Expired(long id, String type, Instant expiresAt) {
    }
}
