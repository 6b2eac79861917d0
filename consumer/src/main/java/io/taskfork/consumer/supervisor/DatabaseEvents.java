package io.taskfork.consumer.supervisor;

import io.taskfork.shared.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the database tells a supervisor as it happens, through PostgreSQL's LISTEN/NOTIFY (the
 * triggers of migration V13): a running task was cancelled; a task or a schedule got a time. One
 * thread waits on a connection of its own. While that connection is down, those it tells look for
 * themselves as often as they did before they were told; when it is back, they look once, since
 * what was sent while nobody listened is gone.
 */
final class DatabaseEvents implements AutoCloseable {

    static final String CANCELLED = "taskfork_cancelled";
    static final String DUE = "taskfork_due";
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseEvents.class);
    // A connection that died without a word (a cable pulled) shows only when it is used: it is
    // tried after this long without a notification.
    private static final int CHECK_AFTER_MS = 10_000;
    private static final int CHECK_WITHIN_S = 2;
    private static final long RECONNECT_AFTER_MS = 1_000;

    /** Who is told, on the listening thread: each method returns at once. */
    interface Listener {

        void cancelled(long taskId);

        void due();

        /** Listening began or ended: what was sent in between is not known. */
        void listening(boolean now);
    }

    private final Database database;
    private final Listener listener;
    private final Thread thread;
    private volatile boolean listening;
    private volatile boolean closed;
    private volatile Connection connection;

    /** Listens once {@link #start started}: those it tells may ask it first whether it listens. */
    DatabaseEvents(Database database, Listener listener) {
        this.database = database;
        this.listener = listener;
        this.thread = new Thread(this::listen, "database-events");
        thread.setDaemon(true);
    }

    DatabaseEvents start() {
        thread.start();
        return this;
    }

    /** How the listening connection names itself to PostgreSQL ({@code pg_stat_activity}). */
    static String applicationName(Database database) {
        return "taskfork-consumer events " + database.schema();
    }

    /** Whether notifications reach the listener now. */
    boolean listening() {
        return listening;
    }

    @Override
    public void close() {
        closed = true;
        Connection open = connection;
        if (open != null) {
            try {
                // ends the wait for notifications at once, where close would wait for it to time out
                open.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                // it is going either way
            }
        }
        thread.interrupt();
    }

    private void listen() {
        boolean warned = false;
        while (!closed) {
            try (Connection open = database.connectAlone(applicationName(database))) {
                connection = open;
                try (Statement statement = open.createStatement()) {
                    statement.execute("listen " + CANCELLED);
                    statement.execute("listen " + DUE);
                }
                changeTo(true);
                if (warned) {
                    LOG.info("listening to the database's notifications again");
                    warned = false;
                }
                receive(open);
            } catch (SQLException | RuntimeException e) {
                if (!closed && !warned) {
                    LOG.warn("not told of cancels and due tasks by the database ({}); looking for them as"
                            + " before until it is back", e.toString());
                    warned = true;
                }
            } finally {
                connection = null;
                changeTo(false);
            }
            try {
                Thread.sleep(RECONNECT_AFTER_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void receive(Connection open) throws SQLException {
        PGConnection postgres = open.unwrap(PGConnection.class);
        while (!closed) {
            PGNotification[] arrived = postgres.getNotifications(CHECK_AFTER_MS);
            if (arrived == null || arrived.length == 0) {
                if (!open.isValid(CHECK_WITHIN_S)) {
                    throw new SQLException("the connection does not answer");
                }
                continue;
            }
            for (PGNotification notification : arrived) {
                try {
                    dispatch(notification.getName(), notification.getParameter());
                } catch (RuntimeException e) {
                    // the listener's failure, not the connection's: the next notification is told as well
                    LOG.warn("could not act on {} {}", notification.getName(), notification.getParameter(), e);
                }
            }
        }
    }

    // Channels are per database: a payload names its schema first, and other schemas' are not ours.
    private void dispatch(String channel, String payload) {
        int space = payload.indexOf(' ');
        if (!(space < 0 ? payload : payload.substring(0, space)).equals(database.schema())) {
            return;
        }
        if (channel.equals(DUE)) {
            listener.due();
        } else if (channel.equals(CANCELLED) && space > 0) {
            try {
                listener.cancelled(Long.parseLong(payload.substring(space + 1)));
            } catch (NumberFormatException e) {
                // not one of ours
            }
        }
    }

    private void changeTo(boolean now) {
        if (listening != now) {
            listening = now;
            listener.listening(now);
        }
    }
}
