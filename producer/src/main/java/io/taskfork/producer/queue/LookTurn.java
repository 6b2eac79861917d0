package io.taskfork.producer.queue;

import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.DatabaseUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A look's turn at a main queue and its retry and dead-letter queues: one look at a time, across
 * every process on the database (the dlq commands, audit, the console). A look holds what it reads
 * until it ends, so a second look at once would read around the first one's messages: it would count
 * too few, miss a task's dead letters, and read on into what arrived since it began, where a replay
 * could take a fresh dead letter of a task it had just replayed for an old one. The turn is an
 * advisory lock of a session of its own, which ends with the session should the process die.
 */
public final class LookTurn implements AutoCloseable {

    /** Far longer than a look at thousands of messages takes, short of a person's patience. */
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    // A process's own looks take turns here before any waits on the database: a burst of requests to
    // serve would otherwise open a session each, as many as its threads, and use up the connections the
    // server allows, which supervisors need.
    private static final Map<String, Semaphore> HERE = new ConcurrentHashMap<>();

    private final Connection session;
    private final Semaphore here;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LookTurn(Connection session, Semaphore here) {
        this.session = session;
        this.here = here;
    }

    /**
     * Waits, up to 30 s, until no other look at {@code mainQueue}'s queues is under way.
     *
     * @throws QueueException when another look has held them all that time
     */
    public static LookTurn take(Database database, String mainQueue) {
        // the schema's too: two installations on one database may each have a queue of the same name
        String name = "taskfork look at " + database.schema() + "/" + mainQueue;
        long deadline = System.nanoTime() + WAIT.toNanos();
        Semaphore here = HERE.computeIfAbsent(name, ignored -> new Semaphore(1, true));
        try {
            if (!here.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy(mainQueue, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueueException("stopped while waiting for a turn to look at " + mainQueue + "'s queues", e);
        }
        boolean taken = false;
        try {
            LookTurn turn = new LookTurn(lock(database, mainQueue, name, deadline), here);
            taken = true;
            return turn;
        } finally {
            // whatever ended the wait (an Error too), the next look of this process may try
            if (!taken) {
                here.release();
            }
        }
    }

    private static Connection lock(Database database, String mainQueue, String name, long deadline) {
        Connection session;
        try {
            session = database.connectAlone("taskfork look at " + mainQueue);
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot reach the database: " + e.getMessage(), e);
        }
        long leftMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        try (Statement timeout = session.createStatement();
                PreparedStatement lock = session.prepareStatement("select pg_advisory_lock(hashtext(?))")) {
            timeout.execute("set lock_timeout = '" + leftMillis + "ms'");
            lock.setString(1, name);
            lock.execute();
            return session;
        } catch (SQLException e) {
            closeQuietly(session);
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw busy(mainQueue, e);
            }
            throw new DatabaseUnavailableException("cannot wait for a turn to look at " + mainQueue + ": "
                    + e.getMessage(), e);
        }
    }

    private static QueueException busy(String mainQueue, SQLException cause) {
        return new QueueException("another look at " + mainQueue + "'s queues (a dlq command, audit or the"
                + " console) has gone on for " + WAIT.toSeconds() + " s; try again when it ends", cause);
    }

    /** Ends the turn: the session ends, and its lock with it. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(session);
            here.release();
        }
    }

    private static void closeQuietly(Connection session) {
        try {
            session.close();
        } catch (SQLException e) {
            // the server ends the lock with the session either way
        }
    }
}
