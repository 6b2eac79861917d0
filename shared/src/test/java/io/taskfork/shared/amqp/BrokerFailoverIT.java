package io.taskfork.shared.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.taskfork.shared.config.AmqpSettings;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.testing.TcpProxy;
import io.taskfork.shared.testing.TestServices;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A TASKFORK_AMQP_URI of several nodes against the real broker: the client passes over a node
 * that does not answer, and a connection whose node goes away comes back on another one, its
 * consumer with it. The "nodes" are loopback ports: a closed one, and proxies to the one broker.
 */
class BrokerFailoverIT {

    /** The campaign's bar: a supervisor is back on a live node within 15 s. */
    private static final Duration RECOVERED_WITHIN = Duration.ofSeconds(15);

    private final URI broker = URI.create(TestServices.get().amqpUri());

    @Test
    void nodeThatDoesNotAnswerIsPassedOverAtConnect() throws Exception {
        int closed = closedPort();
        for (int i = 0; i < 4; i++) {
            // the client tries the nodes in random order: of four connects, most likely one tries the closed one first
            try (Connection connection = Broker.connect(settings(node(closed), node(brokerPort())), "failover-it")) {
                assertThat(connection.isOpen()).isTrue();
                assertThat(connection.getPort()).isEqualTo(brokerPort());
            }
        }
    }

    @Test
    void connectionWhoseNodeGoesAwayRecoversOnTheOtherWithItsConsumer() throws Exception {
        String queue = "it.failover." + UUID.randomUUID().toString().substring(0, 8);
        try (TcpProxy first = TcpProxy.to(broker.getHost(), brokerPort());
                TcpProxy second = TcpProxy.to(broker.getHost(), brokerPort());
                Connection connection = Broker.connect(
                        settings(node(first.port()), node(second.port())), "failover-it")) {
            Channel channel = connection.createChannel();
            channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
            try {
                channel.confirmSelect();
                BlockingQueue<String> received = new LinkedBlockingQueue<>();
                channel.basicConsume(queue, true, (tag, message) -> received.add(
                        new String(message.getBody(), StandardCharsets.UTF_8)), tag -> { });
                CountDownLatch recovered = recoveryOf(connection);
                TcpProxy used = connection.getPort() == first.port() ? first : second;
                TcpProxy other = used == first ? second : first;

                used.cut();

                assertThat(recovered.await(RECOVERED_WITHIN.toMillis(), TimeUnit.MILLISECONDS))
                        .as("recovered within " + RECOVERED_WITHIN).isTrue();
                assertThat(connection.getPort()).as("on the other node").isEqualTo(other.port());
                channel.basicPublish("", queue, null, "after the failover".getBytes(StandardCharsets.UTF_8));
                channel.waitForConfirmsOrDie(5_000);
                assertThat(received.poll(5, TimeUnit.SECONDS)).as("consumed again, on the other node")
                        .isEqualTo("after the failover");
            } finally {
                channel.queueDelete(queue);
            }
        }
    }

    private static CountDownLatch recoveryOf(Connection connection) {
        CountDownLatch recovered = new CountDownLatch(1);
        ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                recovered.countDown();
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                // only the end of a recovery matters here
            }
        });
        return recovered;
    }

    private static AmqpSettings settings(String... nodes) {
        return Settings.load(Map.of("TASKFORK_AMQP_URI", String.join(",", nodes)), Map.of()).amqp();
    }

    /** The test broker's URI with another port. */
    private String node(int port) {
        String userInfo = broker.getRawUserInfo() == null ? "" : broker.getRawUserInfo() + "@";
        String path = broker.getRawPath() == null ? "" : broker.getRawPath();
        return broker.getScheme() + "://" + userInfo + "127.0.0.1:" + port + path;
    }

    private int brokerPort() {
        return broker.getPort() < 0 ? 5672 : broker.getPort();
    }

    /** A loopback port nothing listens on: taken from the kernel, then let go. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
