package io.taskfork.producer.dlq;

import io.taskfork.shared.task.TaskStatus;

/**
 * How a retry of one task ended.
 *
 * @param before     the status the task had when it was retried, null when it was not
 * @param why        why it was not retried, null when it was
 * @param noSuchTask true when there is no task {@code id} at all
 */
public record RetryOutcome(long id, TaskStatus before, String why, boolean noSuchTask) {

    /** The task is queued again and its ID confirmed on the main queue. */
    public boolean retried() {
        return why == null;
    }
}
