package io.taskfork.producer.queue;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.amqp.BrokerUnavailableException;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.topology.Topology;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The queues a command reads and writes: declared before a command that sends uses them, looked for
 * by one that only reads or repairs them.
 */
public final class Queues {


    private Queues() {
    }

    /**
     * Checks that the main, retry and dead-letter queues of {@code queues} are there, without making
     * them: a command that only reads or repairs them would otherwise make a misspelt name's queues
     * and report them empty.
     *
     * @throws NoSuchQueueException naming the first that is not there
     * @throws BrokerUnavailableException when the broker cannot be asked, saying why
     */
    public static void requireExisting(Connection connection, QueueNames queues) {
        for (String queue : List.of(queues.main(), queues.retry(), queues.dead())) {
            // a passive declare of a queue that is not there closes its channel: one channel each
            try (Channel channel = connection.createChannel()) {
                channel.queueDeclarePassive(queue);
            } catch (IOException | TimeoutException | AlreadyClosedException e) {
                if (Broker.isQueueNotFound(e)) {
                    throw new NoSuchQueueException(queue);
                }
                throw new BrokerUnavailableException("cannot look at " + queue + ": " + ConfirmedPublisher.reason(e),
                        e);
            }
        }
    }

    /**
     * Declares the main, retry and dead-letter queues of {@code queues}.
     *
     * @throws BrokerUnavailableException when the broker does not let them be declared, saying why
     */
    public static void declare(Connection connection, QueueNames queues) {
        try {
            Topology.declare(connection, queues);
        } catch (IOException e) {
            throw new BrokerUnavailableException("cannot declare the queues of " + queues.main() + ": "
                    + ConfirmedPublisher.reason(e), e);
        }
    }
}
