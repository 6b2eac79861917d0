package io.taskfork.consumer.supervisor.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each delivery to a worker thread at once: the client's dispatch thread never waits on a
 * child. The prefetch bounds how many deliveries can be in the workers' hands.
 */
public final class TaskConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(TaskConsumer.class);

    private final Executor workers;
    private final Consumer<Delivery> processor;
    private final AtomicInteger inHand = new AtomicInteger();
    private volatile String cancelledBy;

    public TaskConsumer(Channel channel, Executor workers, Consumer<Delivery> processor) {
        super(channel);
        this.workers = workers;
        this.processor = processor;
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
            byte[] body) {
        Delivery delivery = new Delivery(envelope, properties, body);
        inHand.incrementAndGet();
        try {
            workers.execute(() -> {
                try {
                    processor.accept(delivery);
                } finally {
                    inHand.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            inHand.decrementAndGet();
            // left unacked: the broker redelivers it when this channel closes
            LOG.debug("delivery {} arrived during shutdown; left for redelivery", envelope.getDeliveryTag());
        }
    }

    /**
     * Deliveries handed to a worker that has not finished with them: not yet acked, requeued or
     * dead-lettered, nor left to the broker after a lost channel. Exact at once, where the broker's
     * count of unacked messages in a quorum queue is refreshed only every 5 s.
     */
    public int inHand() {
        return inHand.get();
    }

    @Override
    public void handleCancel(String consumerTag) {
        cancelledBy = "the broker cancelled the consumer (was the queue deleted?)";
        LOG.error("the broker cancelled consumer {} (was the queue deleted?); no more tasks will arrive",
                consumerTag);
    }

    /** Whether the broker cancelled this consumer: then it has no cancel of the supervisor's to answer. */
    public boolean cancelledByBroker() {
        return cancelledBy != null;
    }

    /**
     * Why no task can arrive any more, though the connection is up: the broker cancelled this
     * consumer, or closed its channel on an error. Neither mends itself, so /healthz says so, and
     * whatever watches it restarts the supervisor; null while tasks can arrive.
     */
    public String problem() {
        if (cancelledBy != null) {
            return cancelledBy;
        }
        Channel channel = getChannel();
        if (!channel.isOpen() && channel.getConnection().isOpen()) {
            return "the broker closed the channel tasks arrive on ("
                    + (channel.getCloseReason() == null ? "no reason given" : channel.getCloseReason().getMessage()) + ")";
        }
        return null;
    }
}
