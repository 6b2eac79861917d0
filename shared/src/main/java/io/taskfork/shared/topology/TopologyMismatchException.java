package io.taskfork.shared.topology;

import io.taskfork.shared.TaskforkException;

/** A queue exists already with arguments other than the ones taskfork declares. */
public final class TopologyMismatchException extends TaskforkException {

    private final String queue;
    private final String brokerSays;

    /** For a queue a setting names: TASKFORK_QUEUE, or a command's {@code --queue}. */
    public TopologyMismatchException(String queue, String brokerSays) {
        this(queue, brokerSays, "delete it or name another queue with TASKFORK_QUEUE or --queue");
    }

    private TopologyMismatchException(String queue, String brokerSays, String remedy) {
        // the remedy before the broker's words, which are long: a line cut short keeps what to do
        super("queue '" + queue + "' already exists with other arguments: " + remedy + " (" + brokerSays + ")");
        this.queue = queue;
        this.brokerSays = brokerSays;
    }

    /** The same mismatch, of a queue a task names in its {@code "queue"}: no setting puts it right. */
    public TopologyMismatchException namedByTask() {
        return new TopologyMismatchException(queue, brokerSays, "delete it or give the task another queue");
    }
}
