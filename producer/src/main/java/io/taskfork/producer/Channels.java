package io.taskfork.producer;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.taskfork.shared.amqp.BrokerUnavailableException;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.topology.Topology;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;

/** The publisher's channel and the one-line reasons of failed AMQP calls. */
final class Channels {

    private Channels() {
    }

    /**
     * Declares the queues of {@code queues}, then opens a channel in confirm mode.
     *
     * @throws BrokerUnavailableException when a declaration fails or no channel can be had
     */
    static Channel declareAndOpen(Connection connection, QueueNames queues) {
        try {
            Topology.declare(connection, queues);
            Channel channel = connection.createChannel();
            if (channel == null) {
                throw new IOException("the broker allows no more channels on this connection");
            }
            channel.confirmSelect();
            return channel;
        } catch (IOException | AlreadyClosedException e) {
            throw new BrokerUnavailableException("cannot declare the queues of " + queues.main()
                    + " and open a channel: " + reason(e), e);
        }
    }

    /** The first message along the causes: a failed AMQP call often has none of its own. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                return WireFormat.oneLine(t.getMessage());
            }
        }
        return e.getClass().getSimpleName();
    }
}
