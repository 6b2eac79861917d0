package io.taskfork.producer.dlq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * Reads the dead-letter queue one message at a time without taking any: each message read is held
 * unacknowledged until {@link #remove} acks it or {@link #close} gives it back, in its place. At
 * most the messages ready when the scan began are read, so a scan ends even while more arrive.
 *
 * <p>A quorum queue counts each give-back in {@code x-delivery-count}, and a queue with a delivery
 * limit drops a message beyond it (RabbitMQ 4 sets a limit of 20 on every quorum queue without one;
 * https://www.rabbitmq.com/docs/quorum-queues#poison-message-handling). The dead-letter queue has
 * no dead-letter target of its own, so that would lose it. A message given back
 * {@link #REFRESH_AT} times is therefore replaced by a fresh copy, confirmed before the original is
 * acked: its count starts again, and a crash in between leaves a duplicate, never a loss.
 */
final class DeadQueueScan implements AutoCloseable {

    /** Give-backs after which a held message is replaced by a fresh copy: half of RabbitMQ 4's default limit. */
    static final long REFRESH_AT = 10;

    private final Channel channel;
    private final String queue;
    private final ConfirmedPublisher publisher;
    private final long total;
    private final NavigableMap<Long, DeadMessage> held = new TreeMap<>();
    private long read;

    DeadQueueScan(Channel channel, String queue, ConfirmedPublisher publisher) throws IOException {
        this.channel = channel;
        this.queue = queue;
        this.publisher = publisher;
        this.total = channel.queueDeclarePassive(queue).getMessageCount();
    }

    /** The messages ready in the queue when the scan began. */
    long total() {
        return total;
    }

    /** The next message, held until {@link #remove} or {@link #close}; null once all are read. */
    DeadMessage next() {
        if (read >= total) {
            return null;
        }
        GetResponse response;
        try {
            response = channel.basicGet(queue, false);
        } catch (IOException | AlreadyClosedException e) {
            throw new DlqException("cannot read " + queue + ": " + ConfirmedPublisher.reason(e), e);
        }
        if (response == null) {
            return null;
        }
        read++;
        DeadMessage message = new DeadMessage(response.getEnvelope().getDeliveryTag(), response.getProps(),
                response.getBody());
        held.put(message.deliveryTag(), message);
        return message;
    }

    /** Takes {@code message} out of the queue for good. */
    void remove(DeadMessage message) {
        try {
            channel.basicAck(message.deliveryTag(), false);
        } catch (IOException | AlreadyClosedException e) {
            throw new DlqException("cannot remove a message from " + queue + ": " + ConfirmedPublisher.reason(e), e);
        }
        held.remove(message.deliveryTag());
    }

    /** Gives back every message still held; a worn one as a fresh copy. Nothing held is lost, whatever fails. */
    @Override
    public void close() {
        try {
            for (DeadMessage message : held.values().toArray(DeadMessage[]::new)) {
                if (message.deliveryCount() >= REFRESH_AT) {
                    refresh(message);
                }
            }
            if (!held.isEmpty()) {
                channel.basicNack(held.lastKey(), true, true);
            }
            channel.close();
        } catch (IOException | TimeoutException | AlreadyClosedException | DlqException e) {
            // The broker gives back whatever a closed channel held.
            closeQuietly();
        }
        held.clear();
    }

    private void refresh(DeadMessage message) throws IOException {
        publisher.publish(queue, fresh(message), message.body());
        channel.basicAck(message.deliveryTag(), false);
        held.remove(message.deliveryTag());
    }

    /** The same message without its delivery count, with our reason headers in case the broker drops x-death from a published copy. */
    private static AMQP.BasicProperties fresh(DeadMessage message) {
        Map<String, Object> headers = new HashMap<>(message.headers());
        headers.remove(DeadMessage.DELIVERY_COUNT_HEADER);
        DeathNote death = DeathNote.of(message);
        headers.putIfAbsent(WireFormat.REASON_HEADER, death.reason());
        headers.putIfAbsent(WireFormat.DETAIL_HEADER, death.detail());
        return message.properties().builder().headers(headers).build();
    }

    private void closeQuietly() {
        try {
            if (channel.isOpen()) {
                channel.abort();
            }
        } catch (IOException | AlreadyClosedException e) {
            // closed either way
        }
    }
}
