package io.taskfork.shared.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.taskfork.shared.config.DbSettings;
import io.taskfork.shared.config.Redaction;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Jdbi;

/** A small connection pool on taskfork's schema, its migrations, and a {@link Jdbi} over it. */
public final class Database implements AutoCloseable {

    private static final long CONNECT_TIMEOUT_MS = 5_000;
    private static final int VALIDATION_TIMEOUT_S = 2;

    private final DbSettings settings;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private Database(DbSettings settings, HikariDataSource dataSource) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
    }

    /**
     * Opens a pool of at most {@code poolSize} connections, failing at once when the database
     * cannot be reached.
     */
    public static Database connect(DbSettings settings, int poolSize, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setSchema(settings.schema());
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(poolSize, 1));
        config.setPoolName(name);
        config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        config.setInitializationFailTimeout(CONNECT_TIMEOUT_MS);
        config.addDataSourceProperty("ApplicationName", name);
        try {
            return new Database(settings, new HikariDataSource(config));
        } catch (HikariPool.PoolInitializationException e) {
            throw new DatabaseUnavailableException("cannot connect to PostgreSQL at "
                    + Redaction.jdbcUrl(settings.jdbcUrl()) + " as " + settings.user() + ": " + rootMessage(e), e);
        }
    }

    /** Creates the schema if needed and applies pending migrations; safe to run from many processes. */
    public Database migrate() {
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .schemas(settings.schema())
                    .createSchemas(true)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            return this;
        } catch (FlywayException e) {
            throw new DatabaseUnavailableException("cannot migrate schema " + settings.schema() + ": "
                    + rootMessage(e), e);
        }
    }

    /**
     * As {@link #migrate}, for a command that only reads or changes rows: a schema that is not there
     * (a misspelt name) is refused rather than made, and found empty.
     *
     * @throws NoSuchSchemaException when the schema is not there
     */
    public Database migrateExisting() {
        boolean exists = jdbi.withHandle(handle -> handle.createQuery(
                        "select exists (select 1 from information_schema.schemata where schema_name = :schema)")
                .bind("schema", settings.schema())
                .mapTo(Boolean.class)
                .one());
        if (!exists) {
            throw new NoSuchSchemaException(settings.schema());
        }
        return migrate();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** The pool itself, for the statements every task takes (see {@link PlainStatement}). */
    DataSource dataSource() {
        return dataSource;
    }

    /**
     * A connection of its own, outside the pool, for a session that stays open (one that listens for
     * notifications); the caller closes it.
     */
    public Connection connectAlone(String name) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        properties.setProperty("ApplicationName", name);
        properties.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT_MS / 1000));
        return DriverManager.getConnection(settings.jdbcUrl(), properties);
    }

    public String schema() {
        return settings.schema();
    }

    /** True when a connection can be had and answers within a couple of seconds. */
    public boolean isReachable() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(VALIDATION_TIMEOUT_S);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
