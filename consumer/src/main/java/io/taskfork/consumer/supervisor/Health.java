package io.taskfork.consumer.supervisor;

import com.rabbitmq.client.Connection;
import io.taskfork.consumer.NamedThreads;
import io.taskfork.shared.store.Database;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Whether the supervisor is connected to the broker and the database, looked at every second on
 * a thread of its own: /healthz answers at once from the last look, even while a database that is
 * away makes each look wait for its connection timeout.
 */
final class Health implements AutoCloseable {

    private static final Duration EVERY = Duration.ofSeconds(1);
    /** A look at the database that takes longer than this means it does not answer. */
    private static final Duration SLOW_LOOK = Duration.ofSeconds(2);

    private final Connection broker;
    private final Database database;
    private final ScheduledExecutorService looker =
            Executors.newSingleThreadScheduledExecutor(NamedThreads.of("health-check", true));
    private volatile String problems;
    private volatile boolean databaseUp;
    private volatile long lookStarted;

    Health(Connection broker, Database database) {
        this.broker = broker;
        this.database = database;
        look();
        looker.scheduleWithFixedDelay(this::look, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What keeps the supervisor from working, as of the last look; null when it is healthy. */
    String problems() {
        return lookHangs() ? describe(broker.isOpen(), false) : problems;
    }

    /** The broker connection is open now. */
    boolean brokerUp() {
        return broker.isOpen();
    }

    /** The database answered the last look, and that look did not hang. */
    boolean databaseUp() {
        return databaseUp && !lookHangs();
    }

    /** A look at the database has taken longer than {@link #SLOW_LOOK} so far: it does not answer. */
    private boolean lookHangs() {
        long started = lookStarted;
        return started != 0 && System.nanoTime() - started > SLOW_LOOK.toNanos();
    }

    private void look() {
        lookStarted = System.nanoTime();
        try {
            boolean brokerOpen = broker.isOpen();
            databaseUp = database.isReachable();
            problems = brokerOpen && databaseUp ? null : describe(brokerOpen, databaseUp);
        } finally {
            lookStarted = 0;
        }
    }

    private static String describe(boolean brokerUp, boolean databaseUp) {
        return "unhealthy: broker " + (brokerUp ? "up" : "down") + ", database " + (databaseUp ? "up" : "down");
    }

    @Override
    public void close() {
        looker.shutdownNow();
    }
}
