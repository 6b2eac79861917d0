package io.taskfork.shared.store;

import java.sql.SQLException;
import java.util.Optional;

/**
 * A statement PostgreSQL refused for what it was given (SQLSTATE class 22, a data exception: a
 * value out of range, say): the same values would be refused again, so it is no fault of the
 * connection to wait out, but one of the input to tell.
 */
public final class DataRefusal {

    private DataRefusal() {
    }

    /** PostgreSQL's one line for {@code failure}, where it is a data exception. */
    public static Optional<String> of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                String message = String.valueOf(sql.getMessage()).lines().findFirst().orElse("").strip();
                return Optional.of(message.startsWith("ERROR: ") ? message.substring("ERROR: ".length()) : message);
            }
        }
        return Optional.empty();
    }
}
