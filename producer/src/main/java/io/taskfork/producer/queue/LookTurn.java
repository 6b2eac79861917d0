package io.taskfork.producer.queue;

import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.DatabaseUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

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

    private final Connection session;

    private LookTurn(Connection session) {
        this.session = session;
    }

    /**
     * Waits, up to 30 s, until no other look at {@code mainQueue}'s queues is under way.
     *
     * @throws QueueException when another look has held them all that time
     */
    public static LookTurn take(Database database, String mainQueue) {
        Connection session;
        try {
            session = database.connectAlone("taskfork look at " + mainQueue);
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot reach the database: " + e.getMessage(), e);
        }
        try (Statement timeout = session.createStatement();
                PreparedStatement lock = session.prepareStatement("select pg_advisory_lock(hashtext(?))")) {
            timeout.execute("set lock_timeout = '" + WAIT.toMillis() + "ms'");
            // the schema's too: two installations on one database may each have a queue of the same name
            lock.setString(1, "taskfork look at " + database.schema() + "/" + mainQueue);
            lock.execute();
            return new LookTurn(session);
        } catch (SQLException e) {
            closeQuietly(session);
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw new QueueException("another look at " + mainQueue + "'s queues (a dlq command, audit or the"
                        + " console) has gone on for " + WAIT.toSeconds() + " s; try again when it ends", e);
            }
            throw new DatabaseUnavailableException("cannot wait for a turn to look at " + mainQueue + ": "
                    + e.getMessage(), e);
        }
    }

    /** Ends the turn: the session ends, and its lock with it. */
    @Override
    public void close() {
        closeQuietly(session);
    }

    private static void closeQuietly(Connection session) {
        try {
            session.close();
        } catch (SQLException e) {
            // the server ends the lock with the session either way
        }
    }
}
