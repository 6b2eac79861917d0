package io.taskfork.shared.task;

/**
 * What one attempt of a task cost: CPU seconds (user and system, of the child JVM and of what it ran
 * and reaped), as its child reported at its end or as the supervisor read it when it killed the
 * child, and the peak resident memory. Either is null when unknown: a child that died of itself
 * before it could report says nothing.
 */
public record Usage(Double cpuSeconds, Long peakMemoryBytes) {

    public static final Usage UNKNOWN = new Usage(null, null);

    /** From the child's own figures, where -1 means it did not say. */
    public static Usage of(long cpuMillis, long peakBytes) {
        return new Usage(cpuMillis < 0 ? null : cpuMillis / 1000.0, peakBytes < 0 ? null : peakBytes);
    }
}
