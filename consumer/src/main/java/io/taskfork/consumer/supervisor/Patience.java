package io.taskfork.consumer.supervisor;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a database call until it succeeds. While PostgreSQL is away a worker waits here, holding its
 * delivery unacked: nothing is acked that was not recorded, no message burns its delivery count
 * on requeues, and a finished child's outcome is written once the database is back, without a
 * second run. The prefetch bounds how many deliveries wait so.
 */
final class Patience {

    private static final Logger LOG = LoggerFactory.getLogger(Patience.class);
    private static final Duration FIRST_WAIT = Duration.ofMillis(500);
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(10);

    // SQLSTATE classes: 08 connection exception, 57P0x operator intervention (shutdown, restart),
    // 53 insufficient resources (too many connections, out of disk).
    private static final List<String> UNAVAILABLE_STATES = List.of("08", "57P0", "53");

    private final AtomicBoolean stopping;

    /** @param stopping once set, a call gives up after its next failure */
    Patience(AtomicBoolean stopping) {
        this.stopping = stopping;
    }

    <T> T untilDone(String what, Supplier<T> call) throws InterruptedException {
        Duration wait = FIRST_WAIT;
        for (int failures = 0; ; failures++) {
            try {
                T result = call.get();
                if (failures > 0) {
                    LOG.info("database is back; {} done after {} failed tries", what, failures);
                }
                return result;
            } catch (JdbiException e) {
                if (stopping.get() || !isUnavailable(e)) {
                    throw e;
                }
                if (failures == 0) {
                    LOG.warn("database unavailable while {} ({}); trying again until it answers", what,
                            rootMessage(e));
                }
                Thread.sleep(wait.toMillis());
                wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
            }
        }
    }

    /**
     * True when the failure says the database cannot be reached, not that the statement is wrong:
     * a statement that fails for its own sake fails the same way every time, and is not waited on.
     */
    static boolean isUnavailable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && UNAVAILABLE_STATES.stream().anyMatch(sql.getSQLState()::startsWith)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    }
}
