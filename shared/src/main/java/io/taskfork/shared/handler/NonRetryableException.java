package io.taskfork.shared.handler;

/**
 * Thrown by a handler whose task can never succeed, such as one with an invalid payload: the task
 * fails at once instead of running again.
 */
public class NonRetryableException extends RuntimeException {

    public NonRetryableException(String message) {
        super(message);
    }

    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
