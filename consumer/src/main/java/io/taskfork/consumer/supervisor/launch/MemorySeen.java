package io.taskfork.consumer.supervisor.launch;

/**
 * What the memory cap saw of one task's processes.
 *
 * @param peakBytes the largest sum of their resident memory at one look, or -1 when none was taken
 * @param exceeded  why they were killed for their memory, or null if they were not
 */
public record MemorySeen(long peakBytes, String exceeded) {

    /** There is no cap, so no look. */
    public static final MemorySeen NOT_WATCHED = new MemorySeen(-1, null);

    static MemorySeen of(MemoryBudget budget) {
        return new MemorySeen(budget.peakBytes(), budget.exceeded());
    }
}
