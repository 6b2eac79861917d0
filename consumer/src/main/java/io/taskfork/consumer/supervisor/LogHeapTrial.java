package io.taskfork.consumer.supervisor;

import java.util.Optional;

/**
 * Refuses at start a log limit that the supervisor's heap cannot hold for every task at once. Each
 * running task's output is kept up to {@code TASKFORK_LOG_LIMIT}; as the task ends, its log is made
 * into one text and sent to PostgreSQL, which takes about four times the limit more for a moment
 * (five where the output is not ASCII); the running logs are copied into their rows one at a time.
 * Without the check, tasks that print a lot and end together ran the supervisor out of heap, and
 * their rows stayed {@code running}.
 */
public final class LogHeapTrial {

    // The supervisor's own working set, its tasks' logs aside (about 60 MiB after start).
    private static final long OWN_BYTES = 64L << 20;
    private static final int PER_TASK = 5;
    private static final int RUNNING_LOG_COPY = 3;

    private LogHeapTrial() {
    }

    /** Why {@code maxHeapBytes} cannot hold the logs of {@code prefetch} tasks at {@code logLimit}; empty if it can. */
    public static Optional<String> problem(int logLimit, int prefetch, long maxHeapBytes) {
        long needed = needed(logLimit, prefetch);
        if (needed <= maxHeapBytes) {
            return Optional.empty();
        }
        return Optional.of("TASKFORK_LOG_LIMIT of " + mib(logLimit) + " MiB with TASKFORK_PREFETCH=" + prefetch
                + ": the logs of the tasks running at once take up to about " + mib(needed - OWN_BYTES)
                + " MiB of the supervisor's heap besides its own " + mib(OWN_BYTES) + " MiB, and it has "
                + mib(maxHeapBytes) + " MiB (-Xmx); lower TASKFORK_LOG_LIMIT or TASKFORK_PREFETCH, or give the supervisor a larger -Xmx");
    }

    private static long needed(int logLimit, int prefetch) {
        return OWN_BYTES + (long) logLimit * ((long) PER_TASK * prefetch + RUNNING_LOG_COPY);
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
