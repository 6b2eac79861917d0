package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /metrics in Prometheus text and /healthz, on the configured port. */
class MetricsIT {

    private static SupervisorFixture fixture;
    private static int port;

    @BeforeAll
    static void startSupervisor() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        fixture = SupervisorFixture.start(MetricsIT.class, Map.of("TASKFORK_METRICS_PORT", String.valueOf(port)));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void metricsCountOutcomesAndTimeChildren() throws Exception {
        fixture.awaitTerminal(fixture.submit("echo", "{}"));
        fixture.awaitTerminal(fixture.submit("crash", "{\"mode\":\"exit\",\"code\":2}"));

        // a row is terminal a moment before the supervisor counts it and dead-letters its message
        awaitMetric("taskfork_messages_dead_lettered_total{reason=\"exit\"} 1.0");
        awaitMetric("taskfork_tasks_finished_total{failure_kind=\"none\",outcome=\"succeeded\",type=\"echo\"} 1.0");
        awaitMetric("taskfork_children_running 0.0");
        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
        assertThat(response.body())
                .contains("taskfork_tasks_finished_total{failure_kind=\"none\",outcome=\"succeeded\",type=\"echo\"} 1.0")
                .contains("taskfork_tasks_finished_total{failure_kind=\"exit\",outcome=\"crashed\",type=\"crash\"} 1.0")
                .contains("taskfork_messages_dead_lettered_total{reason=\"exit\"} 1.0")
                .contains("taskfork_children_running 0.0")
                .contains("taskfork_child_start_seconds_bucket")
                .contains("taskfork_task_duration_seconds_bucket{type=\"echo\"")
                .contains("taskfork_task_queue_wait_seconds_bucket{type=\"echo\"")
                .contains("taskfork_children_standby ")
                .contains("taskfork_broker_connected 1.0")
                .contains("taskfork_database_connected 1.0")
                .contains("jvm_memory_used_bytes")
                .contains("process_cpu_usage");
    }

    @Test
    void queueDepthsAndTheOldestWaitingTaskAreSampled() throws Exception {
        String main = fixture.environment().queues().main();
        long id = fixture.store().insert(new NewTask("echo", Json.parse("{}")));
        try (Channel channel = fixture.environment().connection().createChannel()) {
            channel.basicPublish("", main + ".dead", null, "x".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        awaitMetric("taskfork_queue_messages{queue=\"" + main + ".dead\",role=\"dead\"} 1.0");
        awaitMetric("taskfork_queue_consumers{queue=\"" + main + "\",role=\"main\"} 1.0");
        String body = get("/metrics").body();
        assertThat(body).contains("taskfork_queue_messages{queue=\"" + main + "\",role=\"main\"} 0.0")
                .contains("taskfork_queue_messages{queue=\"" + main + ".retry\",role=\"retry\"}")
                .contains("taskfork_queue_oldest_waiting_seconds ");
        // the row was never published: it waits until the test ends
        awaitTrue(() -> oldestWaiting() > 0, "the unpublished task's age");
        assertThat(fixture.store().find(id)).isPresent();
    }

    /** Every meter has a description: a HELP line with text for each metric family. */
    @Test
    void everyMetricIsDescribed() throws Exception {
        fixture.awaitTerminal(fixture.submit("echo", "{}"));

        List<String> families = get("/metrics").body().lines().filter(line -> line.startsWith("# TYPE "))
                .map(line -> line.split(" ")[2]).toList();

        assertThat(families).isNotEmpty();
        String body = get("/metrics").body();
        for (String family : families) {
            assertThat(body).as(family).containsPattern("# HELP " + java.util.regex.Pattern.quote(family) + " \\S");
        }
    }

    private static double oldestWaiting() {
        try {
            return get("/metrics").body().lines().filter(line -> line.startsWith("taskfork_queue_oldest_waiting_seconds "))
                    .mapToDouble(line -> Double.parseDouble(line.split(" ")[1])).findFirst().orElse(0);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitMetric(String line) throws Exception {
        awaitTrue(() -> {
            try {
                return get("/metrics").body().contains(line);
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }, line);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("within 30 s: " + what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void healthzIsOkWhileConnectedToBrokerAndDatabase() throws Exception {
        HttpResponse<String> response = get("/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
