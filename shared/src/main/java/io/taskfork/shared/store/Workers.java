package io.taskfork.shared.store;

import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * The heartbeats of live supervisors. A supervisor killed outright leaves its rows running; once
 * its heart has been still for {@link #DEAD_AFTER}, other deliveries of those tasks may claim them.
 */
public final class Workers {

    /** How often a supervisor beats its heart. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** A worker silent this long is taken for dead: several missed beats, not one slow query. */
    public static final Duration DEAD_AFTER = Duration.ofSeconds(30);

    private final Jdbi jdbi;

    public Workers(Database database) {
        this.jdbi = database.jdbi();
    }

    /** Records that {@code worker} is alive now. */
    public void beat(String worker) {
        jdbi.useHandle(handle -> handle.createUpdate("insert into workers (name) values (:name)"
                        + " on conflict (name) do update set heartbeat_at = now()")
                .bind("name", worker)
                .execute());
    }

    /** Forgets a worker that stopped cleanly. */
    public void remove(String worker) {
        jdbi.useHandle(handle -> handle.createUpdate("delete from workers where name = :name")
                .bind("name", worker)
                .execute());
    }
}
