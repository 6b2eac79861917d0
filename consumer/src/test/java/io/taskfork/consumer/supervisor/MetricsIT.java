package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
        assertThat(response.body())
                .contains("taskfork_tasks_finished_total{failure_kind=\"none\",outcome=\"succeeded\",type=\"echo\"} 1.0")
                .contains("taskfork_tasks_finished_total{failure_kind=\"exit\",outcome=\"crashed\",type=\"crash\"} 1.0")
                .contains("taskfork_messages_dead_lettered_total{reason=\"exit\"} 1.0")
                .contains("taskfork_children_running 0.0")
                .contains("taskfork_child_start_seconds_bucket")
                .contains("taskfork_task_duration_seconds_bucket{type=\"echo\"");
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
