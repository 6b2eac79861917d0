package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.Channel;
import io.taskfork.consumer.supervisor.amqp.BoundedClose;
import io.taskfork.consumer.testing.SupervisorFixture;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A supervisor whose consumer the broker ends says so on /healthz, though its connections are up. */
class LostConsumerIT {

    @Test
    void healthzAnswers503WhenTheBrokerCancelsTheConsumer() throws Exception {
        int metricsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            metricsPort = free.getLocalPort();
        }
        ListAppender<ILoggingEvent> closing = new ListAppender<>();
        closing.start();
        Logger logger = (Logger) LoggerFactory.getLogger(BoundedClose.class);
        logger.addAppender(closing);
        try (SupervisorFixture fixture = SupervisorFixture.start(LostConsumerIT.class,
                Map.of("TASKFORK_METRICS_PORT", String.valueOf(metricsPort)))) {
            assertThat(healthz(metricsPort)).isEqualTo("200 ok\n");

            // what an operator's mistake, or a policy, can do while the supervisor runs
            try (Channel channel = fixture.environment().connection().createChannel()) {
                channel.queueDelete(fixture.environment().queues().main());
            }

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String answer = healthz(metricsPort);
            while (answer.startsWith("200") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                answer = healthz(metricsPort);
            }
            assertThat(answer).isEqualTo("503 unhealthy: the broker cancelled the consumer (was the queue deleted?)\n");
        } finally {
            logger.detachAppender(closing);
        }
        // the stop that follows has no consumer left to cancel, and says nothing about one
        assertThat(closing.list).isEmpty();
    }

    private static String healthz(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
