package io.taskfork.shared.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;
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

    /**
     * Forgets the workers named {@code host/pid} on this host whose process is gone, so that their
     * running tasks can be claimed at once rather than after {@link #DEAD_AFTER}.
     *
     * @return the names forgotten
     */
    public List<String> forgetDeadOn(String host, LongPredicate processAlive) {
        List<String> dead = jdbi.withHandle(handle -> handle
                .createQuery("select name from workers where name like :prefix")
                .bind("prefix", host.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%")
                .mapTo(String.class)
                .list())
                .stream()
                .filter(name -> {
                    String pid = name.substring(host.length() + 1);
                    return pid.chars().allMatch(Character::isDigit) && !pid.isEmpty()
                            && !processAlive.test(Long.parseLong(pid));
                })
                .toList();
        dead.forEach(this::remove);
        return dead;
    }

    /** How long ago {@code worker} last beat its heart; empty when it has no heartbeat (gone, or forgotten). */
    public Optional<Duration> silentFor(String worker) {
        return jdbi.withHandle(handle -> handle
                .createQuery("select cast(extract(epoch from now() - heartbeat_at) * 1000 as bigint) from workers"
                        + " where name = :name")
                .bind("name", worker)
                .mapTo(Long.class)
                .findOne())
                .map(millis -> Duration.ofMillis(Math.max(0, millis)));
    }

    /** Forgets a worker that stopped cleanly. */
    public void remove(String worker) {
        jdbi.useHandle(handle -> handle.createUpdate("delete from workers where name = :name")
                .bind("name", worker)
                .execute());
    }
}
