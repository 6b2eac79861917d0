package io.taskfork.consumer.supervisor.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.topology.Topology;
import io.taskfork.shared.wire.WireFormat;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The task-ID messages a supervisor publishes itself name the schema of its rows, as the producer's do. */
class DeliveryActionsIT {

    private IsolatedEnvironment environment;
    private Channel channel;
    private DeliveryActions actions;

    @BeforeEach
    void open() throws Exception {
        environment = IsolatedEnvironment.create(DeliveryActionsIT.class);
        Topology.declare(environment.connection(), environment.queues());
        channel = environment.connection().createChannel();
        channel.confirmSelect();
        actions = new DeliveryActions(channel, channel, environment.queues(), environment.database().schema());
    }

    @AfterEach
    void close() throws Exception {
        channel.close();
        environment.close();
    }

    @Test
    void theIdsOfDueAndOwedTasksNameTheirSchema() throws Exception {
        actions.publishTaskIds(List.of(41L));

        GetResponse message = awaitMessage(environment.queues().main());
        assertThat(new String(message.getBody(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("41");
        assertThat(WireFormat.schemaOf(message.getProps().getHeaders())).isEqualTo(environment.database().schema());
    }

    @Test
    void aDeliveryParkedInTheRetryQueueNamesItsSchemaAndItsTask() throws Exception {
        channel.basicPublish("", environment.queues().main(), WireFormat.taskIdProperties(42).build(),
                WireFormat.taskIdBody(42));
        channel.waitForConfirmsOrDie(5_000);
        GetResponse taken = awaitMessage(environment.queues().main(), false);

        actions.deferTask(new Delivery(taken.getEnvelope(), taken.getProps(), taken.getBody()), 42,
                Duration.ofMinutes(1));

        GetResponse parked = awaitMessage(environment.queues().retry());
        assertThat(WireFormat.schemaOf(parked.getProps().getHeaders())).isEqualTo(environment.database().schema());
        assertThat(parked.getProps().getHeaders().get(WireFormat.TASK_ID_HEADER)).isEqualTo(42L);
    }

    private GetResponse awaitMessage(String queue) throws Exception {
        return awaitMessage(queue, true);
    }

    private GetResponse awaitMessage(String queue, boolean ack) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            GetResponse message = channel.basicGet(queue, ack);
            if (message != null) {
                return message;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no message in " + queue + " within 10 s");
    }
}
