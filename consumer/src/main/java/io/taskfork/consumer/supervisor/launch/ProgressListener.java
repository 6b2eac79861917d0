package io.taskfork.consumer.supervisor.launch;

/** Hears what a running handler reports as it goes: its progress, and the result it returned. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener IGNORE = (percent, message) -> { };

    /** @param message may be null */
    void reported(int percent, String message);

    /**
     * The handler returned {@code result}; its child has yet to exit. Called once at most, on the
     * thread that reads the child's events, before anything else is read from them.
     */
    default void returned(com.fasterxml.jackson.databind.JsonNode result) {
    }
}
