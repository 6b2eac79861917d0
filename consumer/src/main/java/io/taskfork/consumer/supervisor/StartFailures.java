package io.taskfork.consumer.supervisor;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long a task whose child could not start waits before it is published again. What keeps a
 * child from starting (its work folder not a folder, a full or read-only disk, the host out of
 * processes) is most often the host's, not the task's: so the wait doubles with each start that
 * failed in a row on this supervisor, from {@link #FIRST} up to {@link #LONGEST}, and a child that
 * starts ends the row.
 */
final class StartFailures {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration LONGEST = Duration.ofSeconds(30);

    private final AtomicInteger inARow = new AtomicInteger();

    /** Counts a start that failed; returns how long its task waits. */
    Duration failed() {
        int failures = inARow.incrementAndGet();
        Duration wait = FIRST.multipliedBy(1L << Math.min(failures - 1, 10));
        return wait.compareTo(LONGEST) > 0 ? LONGEST : wait;
    }

    void started() {
        inARow.set(0);
    }
}
