package io.taskfork.producer.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ReturnListener;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A channel in confirm mode for one thread: each publish waits for the broker's confirm and fails,
 * saying why, when the broker nacks the message, returns it as unroutable, or does not answer.
 */
public final class ConfirmedPublisher implements AutoCloseable {

    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final Channel channel;
    private volatile String returnedBecause;

    private ConfirmedPublisher(Channel channel) {
        this.channel = channel;
        // The broker returns an unroutable mandatory message before it acks it, so the return is
        // known by the time waitForConfirms sees the ack.
        ReturnListener listener = (replyCode, replyText, exchange, routingKey, properties, body) ->
                returnedBecause = replyText;
        channel.addReturnListener(listener);
    }

    public static ConfirmedPublisher open(Connection connection) {
        try {
            Channel channel = connection.createChannel();
            if (channel == null) {
                throw new IOException("the broker allows no more channels on this connection");
            }
            channel.confirmSelect();
            return new ConfirmedPublisher(channel);
        } catch (IOException | AlreadyClosedException e) {
            throw new QueueException("cannot open a publishing channel: " + reason(e), e);
        }
    }

    /** Publishes to {@code queue} on the default exchange and waits for the broker's confirm. */
    public void publish(String queue, AMQP.BasicProperties properties, byte[] body) {
        returnedBecause = null;
        boolean acked;
        try {
            channel.basicPublish("", queue, true, properties, body);
            acked = channel.waitForConfirms(CONFIRM_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueueException("interrupted while waiting for the broker to confirm a message for " + queue, e);
        } catch (TimeoutException e) {
            throw new QueueException("the broker did not confirm a message for " + queue + " within "
                    + CONFIRM_TIMEOUT.toSeconds() + " s", e);
        } catch (IOException | AlreadyClosedException e) {
            throw new QueueException("cannot publish to " + queue + ": " + reason(e), e);
        }
        if (returnedBecause != null) {
            throw new QueueException("the broker returned a message for " + queue + " as unroutable ("
                    + returnedBecause + "): the queue does not exist");
        }
        if (!acked) {
            throw new QueueException("the broker refused a message for " + queue + " (the queue is full or has no leader)");
        }
    }

    @Override
    public void close() {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | AlreadyClosedException e) {
            // unusable either way; the connection closes it with itself
        }
    }

    /** The first message along the causes: a failed AMQP call often has none of its own. */
    public static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                return WireFormat.oneLine(t.getMessage());
            }
        }
        return e.getClass().getSimpleName();
    }
}
