package io.taskfork.chaos;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.config.AmqpSettings;
import io.taskfork.shared.config.Settings;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

/**
 * The campaign's publisher while it stops RabbitMQ nodes. Opens connections through taskfork's
 * own {@code Broker.connect} and {@code TASKFORK_AMQP_URI} until it has one on each node the
 * variable lists (the client picks a node at random, so a stopped node always takes one of them
 * down), declares QUEUE (a quorum queue), and then every INTERVAL ms publishes one persistent
 * message on each connection in turn, waiting up to 5 s for each confirm. The body is a sequence
 * number. Each attempt is one line of OUT: {@code seq sent-epoch-ms done-epoch-ms outcome
 * connection port}, with outcome {@code confirmed}, {@code nacked}, {@code timeout} or
 * {@code failed:<exception>}, and the port of the node the connection was on. Runs until SIGTERM;
 * a round under way is finished first.
 *
 * <p>Usage: {@code ConfirmProbe QUEUE INTERVAL-MS OUT}.
 */
public final class ConfirmProbe {

    private static final long CONFIRM_TIMEOUT_MS = 5_000;
    private static final int MOST_CONNECTS = 30;
    private static volatile boolean stopping;

    private ConfirmProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ConfirmProbe QUEUE INTERVAL-MS OUT");
            System.exit(2);
        }
        String queue = args[0];
        long interval = Long.parseLong(args[1]);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        List<Connection> connections = new ArrayList<>();
        try (PrintStream out = new PrintStream(new FileOutputStream(args[2], true), true, StandardCharsets.US_ASCII)) {
            List<Channel> channels = new ArrayList<>();
            for (Connection connection : connectToEveryNode(Settings.fromEnvironment().amqp(), connections)) {
                Channel channel = connection.createChannel();
                channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
                channel.confirmSelect();
                channels.add(channel);
            }
            long seq = 0;
            while (!stopping) {
                long round = System.currentTimeMillis();
                for (int i = 0; i < channels.size(); i++) {
                    seq++;
                    long sent = System.currentTimeMillis();
                    String outcome = publish(channels.get(i), queue, seq);
                    out.println(seq + " " + sent + " " + System.currentTimeMillis() + " " + outcome + " " + (i + 1)
                            + " " + port(connections.get(i)));
                }
                Thread.sleep(Math.max(0, round + interval - System.currentTimeMillis()));
            }
        } finally {
            for (Connection connection : connections) {
                closeQuietly(connection);
            }
            done.countDown();
        }
    }

    /** One connection on each node: connects until every node has one, or gives up after a while. */
    private static List<Connection> connectToEveryNode(AmqpSettings settings, List<Connection> connections) {
        int nodes = settings.uris().all().size();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < MOST_CONNECTS && ports.size() < nodes; i++) {
            Connection connection = Broker.connect(settings, "taskfork-chaos-probe");
            if (ports.add(connection.getPort())) {
                connections.add(connection);
            } else {
                closeQuietly(connection);
            }
        }
        System.err.println("publishing on " + connections.size() + " connections, to the nodes on ports " + ports);
        return connections;
    }

    private static String publish(Channel channel, String queue, long seq) {
        try {
            channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                    Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
            return channel.waitForConfirms(CONFIRM_TIMEOUT_MS) ? "confirmed" : "nacked";
        } catch (TimeoutException e) {
            return "timeout";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "failed:interrupted";
        } catch (Exception e) {
            // No connection (the client is recovering it) or a channel closed under the publish.
            return "failed:" + e.getClass().getSimpleName();
        }
    }

    private static int port(Connection connection) {
        try {
            return connection.getPort();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close(1_000);
        } catch (IOException | RuntimeException e) {
            // the campaign is ending; an unclosed connection goes with the process
        }
    }
}
