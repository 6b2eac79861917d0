package io.taskfork.producer.queue;

import io.taskfork.shared.TaskforkException;

/** A command that only looks at a pool's queues was pointed at one the broker does not have: a misspelt name, say. */
public final class NoSuchQueueException extends TaskforkException {

    NoSuchQueueException(String queue) {
        super("no queue " + queue + " on the broker: check TASKFORK_QUEUE or --queue (a pool's queues are made by"
                + " its first submit or supervisor)");
    }
}
