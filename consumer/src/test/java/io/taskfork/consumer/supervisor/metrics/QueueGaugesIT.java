package io.taskfork.consumer.supervisor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** README, "Metrics and health": each queue's depth, sampled from the broker on its own. */
class QueueGaugesIT {

    @Test
    void aDeletedMainQueueReadsNaNMessagesAndNoConsumersAndTheQueuesStillThereKeepTheirCounts() throws Exception {
        try (IsolatedEnvironment env = IsolatedEnvironment.create(QueueGaugesIT.class)) {
            Topology.declare(env.connection(), env.queues());
            try (Channel channel = env.connection().createChannel()) {
                channel.confirmSelect();
                channel.basicPublish("", env.queues().dead(), null, "424242".getBytes(StandardCharsets.US_ASCII));
                channel.waitForConfirmsOrDie(10_000);
                channel.queueDelete(env.queues().main());
            }
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (QueueGauges gauges = new QueueGauges(registry, env.connection(), env.queues(),
                    new TaskStore(env.database()))) {
                Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
                while (Double.isNaN(depth(registry, "dead")) && Instant.now().isBefore(deadline)) {
                    Thread.sleep(50);
                }

                assertThat(depth(registry, "dead")).isEqualTo(1.0);
                assertThat(depth(registry, "retry")).isZero();
                assertThat(depth(registry, "main")).as("a queue that is gone").isNaN();
                assertThat(registry.get(QueueGauges.CONSUMERS).tag("role", "main").gauge().value())
                        .as("consumers of a queue that is gone, which TaskforkNoConsumers compares with 0").isZero();
            }
        }
    }

    private static double depth(SimpleMeterRegistry registry, String role) {
        return registry.get(QueueGauges.MESSAGES).tag("role", role).gauge().value();
    }
}
