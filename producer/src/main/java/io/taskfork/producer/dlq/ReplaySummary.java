package io.taskfork.producer.dlq;

import java.util.List;

/**
 * How a replay ended.
 *
 * @param replayed      dead letters whose task (or JSON message) went back to the main queue
 * @param duplicates    further dead letters of a task replayed in the same run, removed
 * @param notReplayable chosen dead letters left in the dead-letter queue
 * @param missing       task IDs asked for that have no dead letter
 * @param lines         what became of each dead letter chosen and each task ID missing, in the order it happened
 */
public record ReplaySummary(int replayed, int duplicates, int notReplayable, List<Long> missing, List<Line> lines) {

    /** What became of one dead letter, or of a task ID with none. */
    public enum Kind {
        REPLAYED, DUPLICATE_REMOVED, REFUSED, NO_DEAD_LETTER;

        /** As JSON names it: {@code duplicate_removed}. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One line of a replay's report.
     *
     * @param taskId the task, or null for a message that made no row
     * @param text   the line {@code dlq replay} prints
     */
    public record Line(Kind kind, Long taskId, String text) {
    }

    /** True when every dead letter chosen went back, and every task asked for had one. */
    public boolean complete() {
        return notReplayable == 0 && missing.isEmpty();
    }
}
