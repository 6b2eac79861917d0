package io.taskfork.producer;

import io.taskfork.shared.TaskforkException;
import java.util.List;

/**
 * The broker did not confirm some published task IDs: it nacked them, returned them as
 * unroutable, gave no answer in time, or the channel closed. The rows of those tasks exist and
 * stay {@code queued}; they are republished later, so nothing is lost, only delayed.
 */
public final class PublishFailedException extends TaskforkException {

    private final List<Long> taskIds;

    public PublishFailedException(String message, List<Long> taskIds) {
        super(message);
        this.taskIds = List.copyOf(taskIds);
    }

    public PublishFailedException(String message, List<Long> taskIds, Throwable cause) {
        super(message, cause);
        this.taskIds = List.copyOf(taskIds);
    }

    /** The tasks whose rows exist but whose messages the broker did not confirm. */
    public List<Long> taskIds() {
        return taskIds;
    }
}
