package io.taskfork.consumer.child;

/** Hears the progress a running handler reports. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener IGNORE = (percent, message) -> { };

    /** @param message may be null */
    void reported(int percent, String message);
}
