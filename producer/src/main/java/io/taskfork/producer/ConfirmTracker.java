package io.taskfork.producer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.wire.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Follows the publisher confirms of one batch on one channel, so that a failure can say which
 * tasks and why. {@code Channel.waitForConfirms} only tells that something was nacked.
 * The broker's answers arrive on the connection's I/O thread; the publishing thread waits here.
 */
final class ConfirmTracker implements ConfirmListener, ReturnListener, ShutdownListener {

    /** How one batch ended; every list holds task IDs. */
    record Outcome(List<Long> nacked, List<Long> returned, List<Long> unconfirmed, String closedBy) {

        boolean allConfirmed() {
            return nacked.isEmpty() && returned.isEmpty() && unconfirmed.isEmpty();
        }

        List<Long> failed() {
            List<Long> failed = new ArrayList<>(nacked);
            failed.addAll(returned);
            failed.addAll(unconfirmed);
            return failed;
        }

        /** One line: how many of {@code published} tasks failed, and why. */
        String describe(int published, String queue, Duration timeout) {
            List<String> reasons = new ArrayList<>();
            if (!nacked.isEmpty()) {
                reasons.add(nacked.size() + " rejected (the queue is full or has no leader)");
            }
            if (!returned.isEmpty()) {
                reasons.add(returned.size() + " unroutable (the queue does not exist)");
            }
            if (!unconfirmed.isEmpty()) {
                reasons.add(unconfirmed.size() + " unanswered " + (closedBy == null
                        ? "within " + Values.format(timeout)
                        : "as the channel closed: " + closedBy));
            }
            return failed().size() + " of " + published + " tasks not confirmed by the broker on queue " + queue
                    + ": " + String.join(", ", reasons) + "; their rows stay queued";
        }
    }

    private final NavigableMap<Long, Long> outstanding = new TreeMap<>();
    private final List<Long> nacked = new ArrayList<>();
    private final Set<Long> returned = new LinkedHashSet<>();
    private String closedBy;

    /** Forgets the previous batch; a late answer about it is ignored. */
    synchronized void begin() {
        outstanding.clear();
        nacked.clear();
        returned.clear();
        closedBy = null;
    }

    /** Call before publishing the message of {@code taskId} with sequence number {@code seqNo}. */
    synchronized void expect(long seqNo, long taskId) {
        outstanding.put(seqNo, taskId);
    }

    /** Waits until the broker has answered for every expected message, the channel closed, or time ran out. */
    synchronized Outcome await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!outstanding.isEmpty() && closedBy == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return new Outcome(List.copyOf(nacked), List.copyOf(returned), List.copyOf(outstanding.values()), closedBy);
    }

    /** The expected messages not answered yet, given up on after a failed publish. */
    synchronized List<Long> abandon() {
        List<Long> unanswered = List.copyOf(outstanding.values());
        outstanding.clear();
        return unanswered;
    }

    @Override
    public synchronized void handleAck(long deliveryTag, boolean multiple) {
        settle(deliveryTag, multiple).clear();
        notifyAll();
    }

    @Override
    public synchronized void handleNack(long deliveryTag, boolean multiple) {
        NavigableMap<Long, Long> settled = settle(deliveryTag, multiple);
        nacked.addAll(settled.values());
        settled.clear();
        notifyAll();
    }

    private NavigableMap<Long, Long> settle(long deliveryTag, boolean multiple) {
        return multiple
                ? outstanding.headMap(deliveryTag, true)
                : outstanding.subMap(deliveryTag, true, deliveryTag, true);
    }

    // The broker returns a mandatory message it could not route (the queue is gone) before it
    // acks it, so a returned task is known as failed by the time its ack arrives.
    @Override
    public synchronized void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
            AMQP.BasicProperties properties, byte[] body) {
        try {
            returned.add(Long.parseLong(new String(body, StandardCharsets.US_ASCII)));
        } catch (NumberFormatException e) {
            // not one of ours: this channel publishes task IDs only
        }
    }

    @Override
    public synchronized void shutdownCompleted(ShutdownSignalException cause) {
        closedBy = WireFormat.oneLine(String.valueOf(cause.getMessage()));
        notifyAll();
    }
}
