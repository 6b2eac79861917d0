package io.taskfork.shared;

/**
 * Parent of every exception taskfork raises on purpose. Each subclass carries the context a user
 * needs, and its message is meant to be shown as it is: one line, no stack trace.
 */
public abstract class TaskforkException extends RuntimeException {

    protected TaskforkException(String message) {
        super(message);
    }

    protected TaskforkException(String message, Throwable cause) {
        super(message, cause);
    }
}
