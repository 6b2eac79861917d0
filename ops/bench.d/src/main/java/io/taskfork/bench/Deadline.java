package io.taskfork.bench;

import java.time.Duration;

/** A point in time by which a phase must be done. */
record Deadline(long atNanos, Duration length) {

    static Deadline in(Duration length) {
        return new Deadline(System.nanoTime() + length.toNanos(), length);
    }

    Duration remaining() {
        return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
    }

    boolean passed() {
        return System.nanoTime() - atNanos >= 0;
    }

    long seconds() {
        return length.toSeconds();
    }
}
