package io.taskfork.consumer.supervisor;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import io.taskfork.consumer.supervisor.amqp.DeliveryActions;
import io.taskfork.consumer.supervisor.metrics.SupervisorMetrics;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.config.AmqpSettings;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.WireFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes off the queue a message whose body is larger than the supervisor's connection reads.
 *
 * <p>The client reads each body whole before the supervisor sees it, and up to the prefetch of them
 * can wait in the heap at once: the connection reads at most {@link #readLimit} bytes. A larger body
 * ends the whole connection before any of it is read, and the broker hands the same message out
 * first again on the next one, with the others that connection held: without more, the message and
 * the others would go round until the queue's delivery limit dead-lettered them all (or for ever, on
 * a broker that counts no delivery a lost connection gave back). So, once the connection is lost
 * and before it is opened again, a connection of its own that reads any body looks through the
 * messages at the head of the queue for one over that limit, and dead-letters it as
 * {@code too-large}, as any body over {@code TASKFORK_MAX_MESSAGE} is.
 */
final class OversizedMessages extends DefaultExceptionHandler implements RecoveryListener {

    private static final Logger LOG = LoggerFactory.getLogger(OversizedMessages.class);
    // Below this, bodies over TASKFORK_MAX_MESSAGE are read and dead-lettered as they come, a few at once.
    private static final int READ_AT_LEAST = 16 << 20;
    // The client's own words for it (CommandAssembler); it has no exception type of its own.
    private static final Pattern TOO_LARGE = Pattern.compile("Message body is too large \\((\\d+)\\)");
    // The lost connection's messages come back first; the queue may take a moment to put them back.
    private static final long BACK_WITHIN_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final long POLL_MS = 50;

    private final AmqpSettings amqp;
    private final QueueNames queues;
    private final int maxMessageBytes;
    private final int prefetch;
    private final AtomicLong seenBytes = new AtomicLong(-1);
    private volatile Recording recording;

    /** @param prefetch how many messages the supervisor's connection holds, the oversized one among them */
    OversizedMessages(AmqpSettings amqp, QueueNames queues, int maxMessageBytes, int prefetch) {
        this.amqp = amqp;
        this.queues = queues;
        this.maxMessageBytes = maxMessageBytes;
        this.prefetch = prefetch;
    }

    /** The largest body, plus one, that the supervisor's connection reads: the client refuses its limit and more. */
    int readLimit() {
        return Math.max(maxMessageBytes, READ_AT_LEAST) + 1;
    }

    /** Where a message taken off the queue is dead-lettered from; until then, none is taken. */
    void deadLetterWith(SupervisorMetrics metrics, TaskStore store) {
        recording = new Recording(metrics, store);
    }

    @Override
    public void handleUnexpectedConnectionDriverException(Connection connection, Throwable exception) {
        Matcher tooLarge = exception instanceof IllegalStateException && exception.getMessage() != null
                ? TOO_LARGE.matcher(exception.getMessage()) : null;
        if (tooLarge == null || !tooLarge.find()) {
            super.handleUnexpectedConnectionDriverException(connection, exception);
            return;
        }
        seenBytes.set(Long.parseLong(tooLarge.group(1)));
        LOG.warn("a message of {} bytes on {} is over the {} bytes the supervisor's connection reads; it is taken"
                + " off the queue before the connection is opened again", tooLarge.group(1), queues.main(),
                readLimit() - 1);
    }

    /** Runs on the client's recovery thread, after the lost connection's messages went back to the queue. */
    @Override
    public void handleRecoveryStarted(Recoverable recoverable) {
        long bytes = seenBytes.getAndSet(-1);
        Recording where = recording;
        if (bytes >= 0 && where != null) {
            takeOff(bytes, where);
        }
    }

    @Override
    public void handleRecovery(Recoverable recoverable) {
        // nothing to do once the connection is back
    }

    /**
     * Takes the queue's first messages, holding them, until one is over what the supervisor's
     * connection reads, and dead-letters that one; the others go back when the channel closes, each
     * counting one more delivery. Another consumer may have it: its supervisor then takes it off.
     */
    private void takeOff(long bytes, Recording where) {
        int held = 0;
        boolean found = false;
        try (Connection reader = Broker.connect(amqp, "taskfork-consumer oversized message");
             Channel channel = reader.createChannel()) {
            channel.confirmSelect();
            long waitUntil = System.nanoTime() + BACK_WITHIN_NANOS;
            // It is one of those the lost connection held, which come back first: at most the prefetch.
            while (!found && held < prefetch) {
                GetResponse next = channel.basicGet(queues.main(), false);
                if (next == null) {
                    if (held > 0 || System.nanoTime() > waitUntil) {
                        break;
                    }
                    Thread.sleep(POLL_MS);
                } else if (next.getBody().length >= readLimit()) {
                    found = true;
                    new Fates(new DeliveryActions(channel, channel, queues, where.store().schema()), where.metrics(),
                            where.store())
                            .deadLetter(new Delivery(next.getEnvelope(), next.getProps(), next.getBody()),
                                    DeadLetterReason.TOO_LARGE,
                                    WireFormat.tooLarge(next.getBody().length, maxMessageBytes), null);
                } else {
                    held++;
                }
            }
            if (!found) {
                LOG.info("no message over {} bytes among the first {} of {}: another consumer has the one of {} bytes",
                        readLimit() - 1, held, queues.main(), bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("could not take the message of {} bytes off {} ({}); the broker hands it out again", bytes,
                    queues.main(), e.toString());
        } catch (OutOfMemoryError e) {
            LOG.warn("could not take the message of {} bytes off {}: it does not fit in the supervisor's heap (read, a"
                    + " body takes twice its size for a moment); the broker hands it out again. Lower RabbitMQ's"
                    + " max_message_size, or give the supervisor a larger -Xmx", bytes, queues.main());
        }
        if (held > 0) {
            LOG.info("gave back {} other messages of {}, taken while looking for it", held, queues.main());
        }
    }

    private record Recording(SupervisorMetrics metrics, TaskStore store) {
    }
}
