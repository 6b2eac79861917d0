package io.taskfork.shared.store;

import io.taskfork.shared.task.TaskStatus;

/**
 * What an insert did.
 *
 * @param id      the new task's ID; or, when {@code created} is false, that of the live task that
 *                holds the new one's unique key
 * @param status  that task's status: {@code scheduled} for a new task that waits for its time,
 *                {@code queued} for one to publish now
 * @param created false when another live task held the unique key, so that nothing was created
 */
public record Inserted(long id, TaskStatus status, boolean created) {

    /** A new task whose message is owed now. */
    public boolean toPublish() {
        return created && status == TaskStatus.QUEUED;
    }
}
