package io.taskfork.consumer.supervisor;

import com.rabbitmq.client.Delivery;
import io.taskfork.consumer.supervisor.amqp.DeliveryActions;
import io.taskfork.consumer.supervisor.metrics.SupervisorMetrics;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.wire.DeadLetterReason;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letters or requeues a delivery, falling back as far as it must: a dead letter that cannot be
 * published is requeued, and a requeue that cannot be sent is left to the broker, which redelivers
 * every unacked message of a closed channel. Nothing is ever dropped here.
 */
final class Fates {

    private static final Logger LOG = LoggerFactory.getLogger(Fates.class);
    private static final Duration REQUEUE_PAUSE = Duration.ofSeconds(1);

    private final DeliveryActions actions;
    private final SupervisorMetrics metrics;
    private final TaskStore store;

    Fates(DeliveryActions actions, SupervisorMetrics metrics, TaskStore store) {
        this.actions = actions;
        this.metrics = metrics;
        this.store = store;
    }

    /** @param taskId the task's ID when one is known, else null */
    void deadLetter(Delivery delivery, DeadLetterReason reason, String detail, Long taskId) {
        try {
            actions.publishDeadLetter(delivery, reason, detail, taskId);
            if (taskId != null) {
                markDeadLettered(taskId);
            }
            actions.ack(delivery);
            metrics.deadLettered(reason);
            if (taskId == null) {
                // A message that names no task is known by its size and queue, as `dlq list` shows it;
                // its delivery tag is a count of this channel's, named nowhere else.
                LOG.info("a message of {} bytes on {} dead-lettered to {} as {}: {}", delivery.getBody().length,
                        actions.queues().main(), actions.queues().dead(), reason.value(), detail);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requeue(delivery, "interrupted while dead-lettering");
        } catch (Exception e) {
            LOG.warn("could not dead-letter message {} ({}); requeued", delivery.getEnvelope().getDeliveryTag(),
                    e.toString());
            requeueAfterPause(delivery, e.toString());
        }
    }

    // Without the mark, a redelivery after a lost ack would dead-letter the task a second time.
    private void markDeadLettered(long taskId) {
        try {
            store.attempts().markDeadLettered(taskId);
        } catch (RuntimeException e) {
            LOG.debug("could not mark task {} dead-lettered: {}", taskId, e.toString());
        }
    }

    /** Requeues after a short pause, which keeps a persistent fault from spinning: the message comes straight back. */
    void requeueAfterPause(Delivery delivery, String why) {
        try {
            Thread.sleep(REQUEUE_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        requeue(delivery, why);
    }

    void requeue(Delivery delivery, String why) {
        try {
            actions.requeue(delivery);
        } catch (Exception e) {
            LOG.warn("could not requeue message {} ({}; {}); the broker will redeliver it",
                    delivery.getEnvelope().getDeliveryTag(), why, e.toString());
        }
    }
}
