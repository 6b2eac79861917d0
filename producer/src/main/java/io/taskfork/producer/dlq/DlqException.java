package io.taskfork.producer.dlq;

import io.taskfork.shared.TaskforkException;

/** A dead-letter operation the broker or the database did not let finish; the message says which and why. */
public final class DlqException extends TaskforkException {

    public DlqException(String message) {
        super(message);
    }

    public DlqException(String message, Throwable cause) {
        super(message, cause);
    }
}
