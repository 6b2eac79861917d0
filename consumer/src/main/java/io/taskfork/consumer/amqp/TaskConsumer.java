package io.taskfork.consumer.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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

    public TaskConsumer(Channel channel, Executor workers, Consumer<Delivery> processor) {
        super(channel);
        this.workers = workers;
        this.processor = processor;
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
            byte[] body) {
        Delivery delivery = new Delivery(envelope, properties, body);
        try {
            workers.execute(() -> processor.accept(delivery));
        } catch (RejectedExecutionException shuttingDown) {
            // left unacked: the broker redelivers it when this channel closes
            LOG.debug("delivery {} arrived during shutdown; left for redelivery", envelope.getDeliveryTag());
        }
    }

    @Override
    public void handleCancel(String consumerTag) {
        LOG.error("the broker cancelled consumer {} (was the queue deleted?); no more tasks will arrive",
                consumerTag);
    }
}
