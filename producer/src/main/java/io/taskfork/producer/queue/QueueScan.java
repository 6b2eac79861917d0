package io.taskfork.producer.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * Reads a queue one message at a time without taking any: each message read is held
 * unacknowledged until {@link #remove} acks it or {@link #close} gives it back; its body is kept only
 * while the caller keeps it, or when it goes back as a copy. At most the
 * messages ready when the scan began are read, so a scan ends even while more arrive.
 *
 * <p>A quorum queue counts each give-back in {@code x-delivery-count}, and a queue with a delivery
 * limit dead-letters or drops a message beyond it (RabbitMQ 4 sets a limit of 20 on every quorum
 * queue without one; https://www.rabbitmq.com/docs/quorum-queues#poison-message-handling). A
 * message the {@link Refresh} names is therefore given back as a fresh copy, confirmed before the
 * original is acked: its count starts again, what it counted so far travels in
 * {@code x-taskfork-prior-deliveries}, and a crash in between leaves a duplicate, never a loss.
 */
public final class QueueScan implements AutoCloseable {

    /** Which held messages go back as fresh copies, and the headers a copy gets from the original's. */
    public record Refresh(long atDeliveryCount, BiFunction<QueueMessage, Map<String, Object>, Map<String, Object>> copyHeaders) {

        /**
         * Every message: the main queue's consumers count deliveries towards a limit, and a look must
         * not wear it. A copy goes to the back of the queue, behind what arrived during the scan.
         */
        public static final Refresh EVERY = new Refresh(0, (original, headers) -> headers);

        /** A message given back {@code count} times or more; the others go back in their place. */
        public static Refresh wornAfter(long count,
                BiFunction<QueueMessage, Map<String, Object>, Map<String, Object>> copyHeaders) {
            return new Refresh(count, copyHeaders);
        }
    }

    /** Long past the milliseconds a give-back takes, short enough not to hold up a busy queue's scan. */
    private static final Duration GIVE_BACK_WAIT = Duration.ofSeconds(2);

    private final Channel channel;
    private final String queue;
    private final ConfirmedPublisher publisher;
    private final Refresh refresh;
    private final LookTurn turn;
    private final long total;
    // Each held message by its delivery tag; only one that goes back as a copy keeps its body here (the
    // others map to null): a look through a dead-letter queue of large messages holds one at a time.
    private final NavigableMap<Long, QueueMessage> held = new TreeMap<>();
    private long read;

    public QueueScan(Channel channel, String queue, ConfirmedPublisher publisher, Refresh refresh) throws IOException {
        this(channel, queue, publisher, refresh, null);
    }

    /** A scan that ends {@code turn} as it closes, when the caller gives one. */
    public QueueScan(Channel channel, String queue, ConfirmedPublisher publisher, Refresh refresh, LookTurn turn)
            throws IOException {
        this.channel = channel;
        this.queue = queue;
        this.publisher = publisher;
        this.refresh = refresh;
        this.turn = turn;
        this.total = channel.queueDeclarePassive(queue).getMessageCount();
    }

    /** The messages ready in the queue when the scan began. */
    public long total() {
        return total;
    }

    /** The next message, held until {@link #remove} or {@link #close}; null once all are read. */
    public QueueMessage next() {
        if (read >= total) {
            return null;
        }
        GetResponse response;
        try {
            response = channel.basicGet(queue, false);
        } catch (IOException | AlreadyClosedException e) {
            throw new QueueException("cannot read " + queue + ": " + ConfirmedPublisher.reason(e), e);
        }
        if (response == null) {
            return null;
        }
        read++;
        QueueMessage message = new QueueMessage(response.getEnvelope().getDeliveryTag(), response.getProps(),
                response.getBody());
        held.put(message.deliveryTag(), message.deliveryCount() >= refresh.atDeliveryCount() ? message : null);
        return message;
    }

    /** Takes {@code message} out of the queue for good. */
    public void remove(QueueMessage message) {
        try {
            channel.basicAck(message.deliveryTag(), false);
        } catch (IOException | AlreadyClosedException e) {
            throw new QueueException("cannot remove a message from " + queue + ": " + ConfirmedPublisher.reason(e), e);
        }
        held.remove(message.deliveryTag());
    }

    /**
     * Gives back every message still held, a worn one as a fresh copy, and waits, up to 2 s, until
     * the queue counts them again. Nothing held is lost, whatever fails.
     */
    @Override
    public void close() {
        try {
            for (QueueMessage message : held.values().toArray(QueueMessage[]::new)) {
                if (message != null) {
                    refresh(message);
                }
            }
            if (!held.isEmpty()) {
                long readyBefore = channel.queueDeclarePassive(queue).getMessageCount();
                channel.basicNack(held.lastKey(), true, true);
                awaitReady(readyBefore + held.size());
            }
            channel.close();
        } catch (IOException | TimeoutException | AlreadyClosedException | QueueException e) {
            // The broker gives back whatever a closed channel held.
            closeQuietly();
        } finally {
            held.clear();
            if (turn != null) {
                turn.close();
            }
        }
    }

    /**
     * Waits, for a moment at most, until the queue counts what was given back. A quorum queue takes
     * a give-back in the background: the next scan, even on another channel, could otherwise begin
     * before it lands, miss those messages and report them absent (a retry and then a replay, at
     * once). Fewer may show up if another reader takes some meanwhile, or a retry's delay runs out as
     * it comes back; the wait then ends at its bound.
     */
    private void awaitReady(long expected) throws IOException {
        long deadline = System.nanoTime() + GIVE_BACK_WAIT.toNanos();
        // a give-back takes milliseconds: look soon, then less often
        for (long pause = 2; channel.queueDeclarePassive(queue).getMessageCount() < expected
                && System.nanoTime() < deadline; pause = Math.min(pause * 2, 50)) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void refresh(QueueMessage message) throws IOException {
        publisher.publish(queue, fresh(message), message.body());
        channel.basicAck(message.deliveryTag(), false);
        held.remove(message.deliveryTag());
    }

    /** The same message with its delivery count carried over, not counted anew by the queue. */
    private AMQP.BasicProperties fresh(QueueMessage message) {
        Map<String, Object> headers = new HashMap<>(message.headers());
        headers.remove(QueueMessage.DELIVERY_COUNT_HEADER);
        headers.put(WireFormat.PRIOR_DELIVERIES_HEADER, WireFormat.priorDeliveries(message.headers())
                + message.deliveryCount());
        return message.properties().builder().headers(refresh.copyHeaders().apply(message, headers)).build();
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
