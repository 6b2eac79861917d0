package io.taskfork.producer.dlq;

import java.util.List;

/**
 * How a replay ended.
 *
 * @param replayed      dead letters whose task (or JSON message) went back to the main queue
 * @param duplicates    further dead letters of a task replayed in the same run, removed
 * @param notReplayable chosen dead letters left in the dead-letter queue
 * @param missing       task IDs asked for that have no dead letter
 */
public record ReplaySummary(int replayed, int duplicates, int notReplayable, List<Long> missing) {

    /** True when every dead letter chosen went back, and every task asked for had one. */
    public boolean complete() {
        return notReplayable == 0 && missing.isEmpty();
    }
}
