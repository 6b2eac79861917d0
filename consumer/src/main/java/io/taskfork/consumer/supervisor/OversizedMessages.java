package io.taskfork.consumer.supervisor;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import io.taskfork.consumer.supervisor.amqp.DeliveryActions;
import io.taskfork.consumer.supervisor.metrics.SupervisorMetrics;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.config.AmqpSettings;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.wire.MalformedMessageException;
import io.taskfork.shared.wire.WireFormat;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * up to the prefetch less one others would go round until the queue's delivery limit dead-lettered
 * them all (or for ever, on a broker that counts no delivery a lost connection returned). So, once
 * the connection is lost and before it is opened again, a connection of its own that reads any body
 * takes the message at the head of the queue, alone, and dead-letters it as {@code too-large}, as
 * any body over {@code TASKFORK_MAX_MESSAGE} is.
 */
final class OversizedMessages extends ForgivingExceptionHandler implements RecoveryListener {

    private static final Logger LOG = LoggerFactory.getLogger(OversizedMessages.class);
    // Below this, bodies over TASKFORK_MAX_MESSAGE are read and dead-lettered as they come, a few at once.
    private static final int READ_AT_LEAST = 16 << 20;
    // The client's own words for it (CommandAssembler); it has no exception type of its own.
    private static final Pattern TOO_LARGE = Pattern.compile("Message body is too large \\((\\d+)\\)");

    private final AmqpSettings amqp;
    private final QueueNames queues;
    private final int maxMessageBytes;
    private final AtomicBoolean seen = new AtomicBoolean();
    private volatile Recording recording;

    OversizedMessages(AmqpSettings amqp, QueueNames queues, int maxMessageBytes) {
        this.amqp = amqp;
        this.queues = queues;
        this.maxMessageBytes = maxMessageBytes;
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
        seen.set(true);
        LOG.warn("a message of {} bytes on {} is over the {} bytes the supervisor's connection reads; it is taken"
                + " off the queue alone before the connection is opened again", tooLarge.group(1), queues.main(),
                readLimit() - 1);
    }

    /** Runs on the client's recovery thread, after the lost connection's messages went back to the queue. */
    @Override
    public void handleRecoveryStarted(Recoverable recoverable) {
        Recording where = recording;
        if (seen.getAndSet(false) && where != null) {
            takeOffTheHead(where);
        }
    }

    @Override
    public void handleRecovery(Recoverable recoverable) {
        // nothing to do once the connection is back
    }

    private void takeOffTheHead(Recording where) {
        try (Connection reader = Broker.connect(amqp, "taskfork-consumer oversized message");
             Channel channel = reader.createChannel()) {
            channel.confirmSelect();
            GetResponse head = channel.basicGet(queues.main(), false);
            if (head == null) {
                return; // another consumer has it
            }
            Delivery delivery = new Delivery(head.getEnvelope(), head.getProps(), head.getBody());
            Fates fates = new Fates(new DeliveryActions(channel, channel, queues), where.metrics(), where.store());
            if (head.getBody().length < readLimit()) {
                fates.requeue(delivery, "not the oversized message");
                return;
            }
            try {
                WireFormat.parse(head.getBody(), head.getProps().getContentType(), head.getProps().getMessageId(),
                        maxMessageBytes);
                fates.requeue(delivery, "not over TASKFORK_MAX_MESSAGE");
            } catch (MalformedMessageException tooLarge) {
                fates.deadLetter(delivery, tooLarge.reason(), tooLarge.getMessage(), null);
            }
        } catch (Exception e) {
            LOG.warn("could not take the oversized message off {} ({}); the broker hands it out again", queues.main(),
                    e.toString());
        }
    }

    private record Recording(SupervisorMetrics metrics, TaskStore store) {
    }
}
