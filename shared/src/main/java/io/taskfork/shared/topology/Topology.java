package io.taskfork.shared.topology;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.taskfork.shared.amqp.Broker;
import java.io.IOException;
import java.util.Map;

/**
 * Declares the queues of taskfork, idempotently; the producer and the consumer both call it.
 * The main and retry queues are quorum queues that dead-letter at-least-once, which the broker
 * only allows together with {@code x-overflow=reject-publish}
 * (https://www.rabbitmq.com/docs/quorum-queues#dead-lettering).
 */
public final class Topology {

    /** Deliveries of one message before the broker dead-letters it itself (reason delivery_limit). */
    public static final int DELIVERY_LIMIT = 10;

    private static final int PRECONDITION_FAILED = 406;

    private Topology() {
    }

    /** Declares the main, dead-letter and retry queues of {@code queues}. */
    public static void declare(Connection connection, QueueNames queues) throws IOException {
        // The main queue first: one that exists with other arguments is refused before its dead-letter
        // queue is made beside it. Until that is made, a letter at-least-once waits in the main queue.
        declare(connection, queues.main(), Map.of(
                "x-queue-type", "quorum",
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", queues.dead(),
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish",
                "x-delivery-limit", DELIVERY_LIMIT));
        declare(connection, queues.dead(), Map.of("x-queue-type", "quorum"));
        declare(connection, queues.retry(), Map.of(
                "x-queue-type", "quorum",
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", queues.main(),
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish"));
    }

    // A failed declaration closes its channel, so each gets a channel of its own.
    private static void declare(Connection connection, String queue, Map<String, Object> arguments)
            throws IOException {
        Channel channel = connection.createChannel();
        try {
            channel.queueDeclare(queue, true, false, false, arguments);
        } catch (IOException e) {
            throw mismatchOr(e, queue);
        } finally {
            Broker.closeQuietly(channel);
        }
    }

    private static IOException mismatchOr(IOException e, String queue) {
        if (e.getCause() instanceof ShutdownSignalException signal
                && signal.getReason() instanceof AMQP.Channel.Close close
                && close.getReplyCode() == PRECONDITION_FAILED) {
            throw new TopologyMismatchException(queue, close.getReplyText());
        }
        return e;
    }
}
