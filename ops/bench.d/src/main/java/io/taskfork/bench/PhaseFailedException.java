package io.taskfork.bench;

/** A phase could not measure what it was to measure; the message says why, in one line. */
final class PhaseFailedException extends Exception {

    PhaseFailedException(String message) {
        super(message);
    }

    PhaseFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
