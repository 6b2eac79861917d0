package io.taskfork.shared.store;

import io.taskfork.shared.TaskforkException;

/** A command that only reads or changes existing rows was pointed at a schema the database does not have. */
public final class NoSuchSchemaException extends TaskforkException {

    NoSuchSchemaException(String schema) {
        super("no schema " + schema + " in the database: check TASKFORK_DB_SCHEMA or --db-schema (a schema is made"
                + " by the first submit, schedule or supervisor that uses it)");
    }
}
