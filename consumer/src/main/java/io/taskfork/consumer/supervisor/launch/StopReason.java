package io.taskfork.consumer.supervisor.launch;

/** Why the supervisor killed a child that had not finished on its own. */
public enum StopReason {
    /** The supervisor is shutting down: the task is given back to the queue, not counted against it. */
    SHUTDOWN,
    /** The task was cancelled: its row is already terminal. */
    CANCEL
}
