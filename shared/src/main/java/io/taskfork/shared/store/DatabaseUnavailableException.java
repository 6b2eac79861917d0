package io.taskfork.shared.store;

import io.taskfork.shared.TaskforkException;

/** PostgreSQL could not be reached, refused us, or could not be migrated. */
public final class DatabaseUnavailableException extends TaskforkException {

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
