package io.taskfork.consumer.supervisor.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class TaskConsumerTest {

    private final List<Runnable> workerQueue = new ArrayList<>();

    @Test
    void deliveryIsInHandFromItsArrivalUntilItsWorkerIsDone() {
        TaskConsumer consumer = new TaskConsumer(null, workerQueue::add, delivery -> { });

        deliver(consumer, 1);
        deliver(consumer, 2);
        assertThat(consumer.inHand()).isEqualTo(2);

        workerQueue.get(0).run();
        assertThat(consumer.inHand()).isEqualTo(1);
    }

    @Test
    void deliveryWhoseWorkerThrowsIsOutOfHand() {
        TaskConsumer consumer = new TaskConsumer(null, workerQueue::add, delivery -> {
            throw new IllegalStateException("on purpose");
        });
        deliver(consumer, 1);

        assertThatThrownBy(() -> workerQueue.get(0).run()).hasMessage("on purpose");
        assertThat(consumer.inHand()).isZero();
    }

    @Test
    void deliveryRefusedDuringShutdownIsNotInHand() {
        TaskConsumer consumer = new TaskConsumer(null, command -> {
            throw new RejectedExecutionException("shutting down");
        }, delivery -> { });

        deliver(consumer, 1);

        assertThat(consumer.inHand()).isZero();
    }

    private static void deliver(TaskConsumer consumer, long tag) {
        consumer.handleDelivery("consumer", new Envelope(tag, false, "", "queue"), new AMQP.BasicProperties(),
                new byte[0]);
    }
}
