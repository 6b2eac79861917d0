package io.taskfork.producer.queue;

import com.rabbitmq.client.Connection;
import io.taskfork.shared.amqp.BrokerUnavailableException;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.topology.Topology;
import java.io.IOException;

/** The queues a command reads and writes, declared as every command does before it uses them. */
public final class Queues {

    private Queues() {
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
