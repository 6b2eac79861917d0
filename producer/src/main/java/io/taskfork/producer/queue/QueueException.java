package io.taskfork.producer.queue;

import io.taskfork.shared.TaskforkException;

/** A dead-letter operation the broker or the database did not let finish; the message says which and why. */
public final class QueueException extends TaskforkException {

    public QueueException(String message) {
        super(message);
    }

    public QueueException(String message, Throwable cause) {
        super(message, cause);
    }
}
