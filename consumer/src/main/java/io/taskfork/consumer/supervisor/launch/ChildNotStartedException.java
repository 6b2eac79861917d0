package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;

/**
 * A task's child could not be started, before the task was handed to any child: its folder could
 * not be made, or the process could not be spawned (the host out of processes, say). Nothing of
 * the task ran, so it may wait and start again without counting an attempt.
 */
public final class ChildNotStartedException extends IOException {

    ChildNotStartedException(Exception cause) {
        super(cause.toString(), cause);
    }
}
