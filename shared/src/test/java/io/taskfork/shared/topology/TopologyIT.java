package io.taskfork.shared.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TopologyIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MS = 20;
    private static final AMQP.BasicProperties PERSISTENT = new AMQP.BasicProperties.Builder().deliveryMode(2).build();

    private static IsolatedEnvironment env;
    private static QueueNames queues;

    private Channel channel;

    @BeforeAll
    static void declareTopology() throws Exception {
        env = IsolatedEnvironment.create(TopologyIT.class);
        queues = env.queues();
        Topology.declare(env.connection(), queues);
    }

    @AfterAll
    static void closeEnvironment() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    @BeforeEach
    void emptyQueues() throws Exception {
        channel = env.connection().createChannel();
        channel.confirmSelect();
        for (String queue : List.of(queues.main(), queues.dead(), queues.retry())) {
            channel.queuePurge(queue);
        }
    }

    @AfterEach
    void closeChannel() throws Exception {
        if (channel.isOpen()) {
            channel.close();
        }
    }

    @Test
    void declareCreatesMainDeadAndRetryQueues() throws Exception {
        for (String queue : List.of(queues.main(), queues.dead(), queues.retry())) {
            assertThat(channel.queueDeclarePassive(queue).getQueue()).isEqualTo(queue);
        }
        assertThat(queues.dead()).isEqualTo(queues.main() + ".dead");
        assertThat(queues.retry()).isEqualTo(queues.main() + ".retry");
    }

    @Test
    void queuesAreDurableQuorumQueuesWithTheDocumentedArguments() throws Exception {
        // The broker accepts a redeclaration only when durability and arguments are equivalent.
        redeclare(queues.dead(), Map.of("x-queue-type", "quorum"));
        redeclare(queues.main(), Map.of(
                "x-queue-type", "quorum",
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", queues.dead(),
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish",
                "x-delivery-limit", Topology.DELIVERY_LIMIT));
        redeclare(queues.retry(), Map.of(
                "x-queue-type", "quorum",
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", queues.main(),
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish"));
    }

    @Test
    void declaringTwiceMoreIsFineAndKeepsQueuedMessages() throws Exception {
        String body = publish(queues.main(), PERSISTENT);

        Topology.declare(env.connection(), queues);
        Topology.declare(env.connection(), queues);

        assertThat(bodyOf(awaitMessage(queues.main()))).isEqualTo(body);
    }

    @Test
    void rejectedMessageIsDeadLetteredToTheDeadQueue() throws Exception {
        String body = publish(queues.main(), PERSISTENT);
        GetResponse delivery = awaitMessage(queues.main());
        assertThat(bodyOf(delivery)).isEqualTo(body);

        channel.basicReject(delivery.getEnvelope().getDeliveryTag(), false);

        GetResponse dead = awaitMessage(queues.dead());
        assertThat(bodyOf(dead)).isEqualTo(body);
        assertThat(firstDeath(dead)).containsEntry("reason", "rejected").containsEntry("queue", queues.main());
    }

    @Test
    void mainQueueCountsRedeliveriesAsAQuorumQueue() throws Exception {
        publish(queues.main(), PERSISTENT);
        GetResponse first = awaitMessage(queues.main());
        channel.basicReject(first.getEnvelope().getDeliveryTag(), true);

        GetResponse second = awaitMessage(queues.main());

        assertThat(second.getProps().getHeaders()).containsEntry("x-delivery-count", 1L);
    }

    @Test
    void mainQueueDeadLettersAMessageRequeuedPastTheDeliveryLimit() throws Exception {
        String body = publish(queues.main(), PERSISTENT);

        int deliveries = 0;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        GetResponse dead = channel.basicGet(queues.dead(), false);
        while (dead == null) {
            GetResponse delivery = channel.basicGet(queues.main(), false);
            if (delivery != null) {
                deliveries++;
                channel.basicReject(delivery.getEnvelope().getDeliveryTag(), true);
            } else if (System.nanoTime() > deadline) {
                throw new AssertionError("message neither redelivered nor dead-lettered within " + TIMEOUT);
            } else {
                Thread.sleep(POLL_MS);
            }
            dead = channel.basicGet(queues.dead(), false);
        }

        assertThat(deliveries).isEqualTo(Topology.DELIVERY_LIMIT + 1);
        assertThat(bodyOf(dead)).isEqualTo(body);
        assertThat(firstDeath(dead)).containsEntry("reason", "delivery_limit").containsEntry("queue", queues.main());
    }

    @Test
    void expiredMessageInRetryQueueGoesBackToMainQueue() throws Exception {
        String body = publish(queues.retry(),
                new AMQP.BasicProperties.Builder().deliveryMode(2).expiration("1").build());

        GetResponse back = awaitMessage(queues.main());

        assertThat(bodyOf(back)).isEqualTo(body);
        assertThat(firstDeath(back)).containsEntry("reason", "expired").containsEntry("queue", queues.retry());
    }

    @Test
    void existingClassicQueueIsAMismatchNamedInOneLine() throws Exception {
        QueueNames other = QueueNames.of(queues.main() + ".classic-" + UUID.randomUUID().toString().substring(0, 8));
        channel.queueDeclare(other.main(), true, false, false, null);
        try {
            TopologyMismatchException e = catchThrowableOfType(TopologyMismatchException.class,
                    () -> Topology.declare(env.connection(), other));

            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("'" + other.main() + "'").doesNotContain("\n", "\r")
                    .contains("delete it or name another queue with TASKFORK_QUEUE or --queue");
            assertThat(exists(other.dead())).as("a dead-letter queue made beside the refused one").isFalse();
            assertThat(exists(other.retry())).as("a retry queue made beside the refused one").isFalse();
        } finally {
            deleteAll(other);
        }
    }

    @Test
    void mismatchLeavesTheConnectionUsable() throws Exception {
        QueueNames other = QueueNames.of(queues.main() + ".classic-" + UUID.randomUUID().toString().substring(0, 8));
        channel.queueDeclare(other.main(), true, false, false, null);
        try {
            catchThrowableOfType(TopologyMismatchException.class, () -> Topology.declare(env.connection(), other));

            assertThat(env.connection().isOpen()).isTrue();
            assertThatCode(() -> Topology.declare(env.connection(), queues)).doesNotThrowAnyException();
        } finally {
            deleteAll(other);
        }
    }

    private void deleteAll(QueueNames names) throws Exception {
        for (String queue : List.of(names.main(), names.dead(), names.retry())) {
            channel.queueDelete(queue);
        }
    }

    private boolean exists(String queue) throws Exception {
        Channel own = env.connection().createChannel();
        try {
            own.queueDeclarePassive(queue);
            return true;
        } catch (IOException notFound) {
            return false;
        } finally {
            if (own.isOpen()) {
                own.close();
            }
        }
    }

    private void redeclare(String queue, Map<String, Object> arguments) throws Exception {
        try (Channel own = env.connection().createChannel()) {
            assertThat(own.queueDeclare(queue, true, false, false, arguments).getQueue()).isEqualTo(queue);
        }
    }

    private String publish(String queue, AMQP.BasicProperties properties) throws Exception {
        String body = "probe-" + UUID.randomUUID();
        channel.basicPublish("", queue, properties, body.getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(TIMEOUT.toMillis());
        return body;
    }

    /** The next message of {@code queue}, unacknowledged: the caller acks or rejects it. */
    private GetResponse awaitMessage(String queue) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            GetResponse response = channel.basicGet(queue, false);
            if (response != null) {
                return response;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no message arrived in " + queue + " within " + TIMEOUT);
            }
            Thread.sleep(POLL_MS);
        }
    }

    private static String bodyOf(GetResponse response) {
        return new String(response.getBody(), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstDeath(GetResponse response) {
        Map<String, Object> headers = response.getProps().getHeaders();
        assertThat(headers).containsKey("x-death");
        List<Map<String, Object>> deaths = (List<Map<String, Object>>) headers.get("x-death");
        Map<String, Object> first = deaths.get(0);
        return Map.of("reason", String.valueOf(first.get("reason")), "queue", String.valueOf(first.get("queue")));
    }
}
