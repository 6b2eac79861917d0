package io.taskfork.shared.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.ParsedSql;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * A statement with named parameters, run with plain JDBC: for the statements every task takes (its
 * claim, its early result, its outcome) and those a supervisor makes several times a second (the
 * scheduler's look, the cancellation watch's). Through jdbi each cost a supervisor about 0.2 ms of CPU
 * more: a handle and a statement each copy jdbi's configuration, and each argument goes through its
 * chain of argument factories. The SQL reads as every other statement's, and jdbi's own parser turns
 * it into JDBC's, once; failures are jdbi's exceptions, as from any other statement, so callers that
 * wait out an absent database see one kind.
 */
final class PlainStatement {

    private final String sql;
    // in the order of JDBC's placeholders: a name used twice is here twice
    private final List<String> names;

    private PlainStatement(ParsedSql parsed) {
        this.sql = parsed.getSql();
        this.names = parsed.getParameters().getParameterNames();
    }

    /** {@code sql} with {@code :name} parameters, parsed now. */
    static PlainStatement of(String sql) {
        return new PlainStatement(new ColonPrefixSqlParser().parse(sql, null));
    }

    /** A run of this statement with {@code value} for {@code :name}. */
    Run bind(String name, Object value) {
        return new Run().bind(name, value);
    }

    /** The statement with its arguments; null is SQL's null, its type taken from where it stands. */
    final class Run {

        private final Map<String, Object> values = new HashMap<>();
        private int timeoutSeconds;

        Run bind(String name, Object value) {
            values.put(name, value);
            return this;
        }

        /** Cancels it, failing, when it has not run within {@code seconds} (a row locked by another, say). */
        Run within(int seconds) {
            timeoutSeconds = seconds;
            return this;
        }

        /** Runs it on a connection of its own, in a transaction of its own; the count of rows it changed. */
        int execute(DataSource dataSource) {
            return withConnection(dataSource, connection -> {
                try (PreparedStatement statement = prepare(connection)) {
                    return statement.executeUpdate();
                }
            });
        }

        /** Runs it on {@code connection}; the first row it returns, if any. */
        <T> Optional<T> findFirst(Connection connection, RowMapper<T> mapper) throws SQLException {
            return list(connection, mapper).stream().findFirst();
        }

        /** Runs it on {@code connection}; every row it returns. */
        <T> List<T> list(Connection connection, RowMapper<T> mapper) throws SQLException {
            List<T> found = new ArrayList<>();
            try (PreparedStatement statement = prepare(connection); ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(mapper.map(rows, null));
                }
            }
            return found;
        }

        private PreparedStatement prepare(Connection connection) throws SQLException {
            for (String name : values.keySet()) {
                if (!names.contains(name)) {
                    throw new IllegalArgumentException("no :" + name + " in " + sql);
                }
            }
            PreparedStatement statement = connection.prepareStatement(sql);
            try {
                statement.setQueryTimeout(timeoutSeconds);
                for (int i = 0; i < names.size(); i++) {
                    if (!values.containsKey(names.get(i))) {
                        throw new IllegalArgumentException("no value for :" + names.get(i) + " in " + sql);
                    }
                    statement.setObject(i + 1, values.get(names.get(i)));
                }
                return statement;
            } catch (SQLException | RuntimeException e) {
                closeAfter(e, statement::close);
                throw e;
            }
        }
    }

    /** What is done with one connection. */
    interface Work<T> {
        T on(Connection connection) throws SQLException;
    }

    /** {@code work} on a pooled connection, each statement committing itself. */
    static <T> T withConnection(DataSource dataSource, Work<T> work) {
        try (Connection connection = connect(dataSource)) {
            return work.on(connection);
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    /** {@code work} in one transaction, committed when it returns, rolled back when it throws. */
    static <T> T inTransaction(DataSource dataSource, Work<T> work) {
        return withConnection(dataSource, connection -> {
            connection.setAutoCommit(false);
            try {
                T result = work.on(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                closeAfter(e, connection::rollback);
                throw e;
            }
            // the pool sets auto-commit back as it takes the connection back
        });
    }

    private interface Release {
        void run() throws SQLException;
    }

    /** Lets go of what {@code failure} left: a failure of that is kept with it, not in its place. */
    private static void closeAfter(Exception failure, Release release) {
        try {
            release.run();
        } catch (SQLException | RuntimeException also) {
            failure.addSuppressed(also);
        }
    }

    private static Connection connect(DataSource dataSource) {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new ConnectionException(e);
        }
    }
}
