package io.taskfork.consumer.supervisor.amqp;

import io.taskfork.shared.config.Values;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ closes the channel of a consumer that holds a delivery longer than its consumer_timeout
 * (30 minutes unless configured): a task must be killed before that, or the broker redelivers its
 * message while it runs.
 */
public final class ConsumerTimeout {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerTimeout.class);
    private static final Duration BROKER_DEFAULT = Duration.ofMinutes(30);

    private ConsumerTimeout() {
    }

    /** Warns once when {@code taskTimeout} is not below the broker's default consumer_timeout. */
    public static void warnIfNotBelow(Duration taskTimeout) {
        if (taskTimeout.compareTo(BROKER_DEFAULT) >= 0) {
            LOG.warn("TASKFORK_TASK_TIMEOUT={} is not below RabbitMQ's default consumer_timeout of {}: the broker"
                    + " would close the channel of a task running that long and redeliver its message; raise"
                    + " consumer_timeout in rabbitmq.conf above the task timeout, or lower TASKFORK_TASK_TIMEOUT",
                    Values.format(taskTimeout), Values.format(BROKER_DEFAULT));
        }
    }
}
