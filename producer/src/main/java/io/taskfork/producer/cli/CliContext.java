package io.taskfork.producer.cli;

import io.taskfork.shared.config.Settings;
import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.store.Database;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What a command gets from the process that runs it: the environment its settings come from, its
 * standard streams, and which of them are terminals. Tests hand in their own, so a command never
 * reads System.getenv().
 */
record CliContext(Map<String, String> environment, InputStream in, PrintStream out, PrintStream err,
        Terminals terminals) {

    private static final String NAME = "taskfork-producer";
    private static final int POOL_SIZE = 2;

    /** The settings of a command: its flags, else the environment, else the defaults. */
    Settings settings(SettingsOptions options) {
        return options.resolve(environment);
    }

    /** A database pool on the migrated schema, made if it is not there yet, for the commands that add rows. */
    static Database openDatabase(Settings settings) {
        return openDatabase(settings, POOL_SIZE);
    }

    /**
     * A database pool on the migrated schema, for the commands that only read or change rows: a schema
     * that is not there is refused, not made.
     */
    static Database openExistingDatabase(Settings settings) {
        return open(settings, POOL_SIZE, Database::migrateExisting);
    }

    /** As {@link #openDatabase(Settings)}, with {@code poolSize} connections. */
    static Database openDatabase(Settings settings, int poolSize) {
        return open(settings, poolSize, Database::migrate);
    }

    private static Database open(Settings settings, int poolSize, UnaryOperator<Database> migration) {
        Database database = Database.connect(settings.db(), poolSize, NAME);
        try {
            return migration.apply(database);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }
}
