package io.taskfork.chaos;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.config.Settings;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

/**
 * Publishes one persistent message every INTERVAL ms to QUEUE (a quorum queue it declares) and
 * waits up to 5 s for each confirm, through taskfork's own {@code Broker.connect} and
 * {@code TASKFORK_AMQP_URI}: the campaign's publisher while it stops RabbitMQ nodes. The body is a
 * sequence number. Each attempt is one line of OUT: {@code seq sent-epoch-ms done-epoch-ms outcome}
 * with outcome {@code confirmed}, {@code nacked}, {@code timeout} or {@code failed:<exception>}.
 * Runs until SIGTERM; an attempt under way is finished first.
 *
 * <p>Usage: {@code ConfirmProbe QUEUE INTERVAL-MS OUT}.
 */
public final class ConfirmProbe {

    private static final long CONFIRM_TIMEOUT_MS = 5_000;
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
        try (PrintStream out = new PrintStream(new FileOutputStream(args[2], true), true, StandardCharsets.US_ASCII);
                Connection connection = Broker.connect(Settings.fromEnvironment().amqp(), "taskfork-chaos-probe")) {
            Channel channel = connection.createChannel();
            channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
            channel.confirmSelect();
            System.err.println("publishing to " + queue + " every " + interval + " ms");
            for (long seq = 1; !stopping; seq++) {
                long sent = System.currentTimeMillis();
                out.println(seq + " " + sent + " " + publish(channel, queue, seq));
                Thread.sleep(Math.max(0, sent + interval - System.currentTimeMillis()));
            }
        } finally {
            done.countDown();
        }
    }

    /** "done-epoch-ms outcome" of one publish. */
    private static String publish(Channel channel, String queue, long seq) {
        String outcome;
        try {
            channel.basicPublish("", queue, true, new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                    Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
            outcome = channel.waitForConfirms(CONFIRM_TIMEOUT_MS) ? "confirmed" : "nacked";
        } catch (TimeoutException e) {
            outcome = "timeout";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "failed:interrupted";
        } catch (Exception e) {
            // No connection (the client is recovering it) or a channel closed under the publish.
            outcome = "failed:" + e.getClass().getSimpleName();
        }
        return System.currentTimeMillis() + " " + outcome;
    }
}
