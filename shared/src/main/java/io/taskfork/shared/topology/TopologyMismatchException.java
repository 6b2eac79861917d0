package io.taskfork.shared.topology;

import io.taskfork.shared.TaskforkException;

/** A queue exists already with arguments other than the ones taskfork declares. */
public final class TopologyMismatchException extends TaskforkException {

    public TopologyMismatchException(String queue, String brokerSays) {
        super("queue '" + queue + "' already exists with other arguments (" + brokerSays
                + "); delete it or set TASKFORK_QUEUE to another name");
    }
}
