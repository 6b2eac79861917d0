package io.taskfork.shared.store;

import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The rows whose message is owed: queued, and never confirmed by the broker. Every path that makes
 * a row runnable commits it first, with {@code published_at} null, and only then publishes its ID;
 * the confirm is recorded here. A row whose publish failed, or whose publisher died, is published
 * again by a sweeper once it has waited {@code TASKFORK_OUTBOX_AGE} since it was queued.
 */
public final class Outbox {

    private static final String MARK_PUBLISHED = "update tasks set published_at = now() where id in (<ids>)";

    private final Jdbi jdbi;

    public Outbox(Database database) {
        this(database.jdbi());
    }

    Outbox(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Records that the broker confirmed the messages of these tasks. */
    public void markPublished(List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        jdbi.useHandle(handle -> handle.createUpdate(MARK_PUBLISHED).bindList("ids", ids).execute());
    }

    /**
     * Takes at most {@code limit} queued rows that have waited longer than {@code age} for a
     * confirm, for the caller to publish. Taking one restarts its wait, in the same statement that
     * finds it, so other sweepers pass it by for another {@code age} without a lock held while the
     * caller talks to the broker; a row whose publish then fails is taken again after that wait.
     *
     * @return the IDs taken, to publish and then {@link #markPublished}
     */
    public List<Long> takeOverdue(Duration age, int limit) {
        return takeOverdue(age, limit, null);
    }

    /**
     * As {@link #takeOverdue(Duration, int)}, but only rows of {@code queue} (or of no queue in
     * particular), the queue the caller publishes to; null for any row.
     */
    public List<Long> takeOverdue(Duration age, int limit, String queue) {
        return jdbi.withHandle(handle -> handle
                .createQuery("update tasks set queued_at = now() where id in (select id from tasks"
                        + " where status = 'queued' and published_at is null"
                        + " and queued_at < now() - make_interval(secs => :ageSeconds)"
                        + " and (cast(:queue as text) is null or queue = :queue or queue is null)"
                        + " order by queued_at limit :limit for update skip locked) returning id")
                .bind("ageSeconds", age.toMillis() / 1000.0)
                .bind("limit", limit)
                .bind("queue", queue)
                .mapTo(Long.class)
                .list());
    }
}
