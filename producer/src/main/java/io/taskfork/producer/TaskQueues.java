package io.taskfork.producer;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Connection;
import io.taskfork.shared.amqp.BrokerUnavailableException;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.topology.Topology;
import io.taskfork.shared.topology.TopologyMismatchException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queues tasks name in their {@code "queue"}, each declared once by a publisher, before any row
 * is made for a task of it: a queue that exists with other arguments, or cannot be declared, leaves
 * no row behind that would run later, when the queue is put right, beside the one submitted again.
 */
final class TaskQueues {

    private final Connection connection;
    // main queues whose topology this publisher declared: its own, and those tasks named
    private final Set<String> declared = ConcurrentHashMap.newKeySet();

    TaskQueues(Connection connection, String own) {
        this.connection = connection;
        declared.add(own);
    }

    /**
     * Declares the queues {@code task} names, unless they were; one that names none goes to the
     * publisher's own, declared when it opened.
     *
     * @throws BrokerUnavailableException when a queue cannot be declared
     * @throws TopologyMismatchException when a queue exists with other arguments
     */
    void declareOf(NewTask task) {
        String queue = task.options().queue();
        if (queue == null || declared.contains(queue)) {
            return;
        }
        try {
            Topology.declare(connection, QueueNames.of(queue));
        } catch (TopologyMismatchException e) {
            throw e.namedByTask();
        } catch (IOException | AlreadyClosedException e) {
            throw new BrokerUnavailableException("cannot declare the queues of " + queue + ": "
                    + Channels.reason(e) + "; no task was created", e);
        }
        declared.add(queue);
    }
}
