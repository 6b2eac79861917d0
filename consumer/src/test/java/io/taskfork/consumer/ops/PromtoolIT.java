package io.taskfork.consumer.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.TaskStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prometheus's own tool on what taskfork gives it: a real supervisor's /metrics passes its lint, and
 * the alert rules load and fire on the samples a supervisor exports (ops/prometheus/alerts.test.yml).
 * Needs Debian's prometheus package for promtool, which .ci/run installs.
 */
class PromtoolIT {

    private static final Path PROMETHEUS = Path.of("..", "ops", "prometheus").toAbsolutePath().normalize();

    private static SupervisorFixture fixture;
    private static int port;

    @BeforeAll
    static void runATaskOnARealSupervisor() throws Exception {
        assertThat(onPath())
                .as("promtool on PATH, from Debian's prometheus package (apt-get install prometheus), for PromtoolIT")
                .isTrue();
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        fixture = SupervisorFixture.start(PromtoolIT.class, Map.of("TASKFORK_METRICS_PORT", String.valueOf(port)));
        assertThat(fixture.awaitTerminal(fixture.submit("echo", "{}")).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void theSupervisorsMetricsPassPromtoolsLint() throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();

        Run lint = promtool(metrics, "check", "metrics");

        assertThat(lint.exit()).as(lint.output()).isZero();
        assertThat(metrics).contains("taskfork_tasks_finished_total", "system_cpus ").doesNotContain("_ns_total");
    }

    @Test
    void theAlertRulesLoadAndFireOnWhatASupervisorExports() throws Exception {
        Run check = promtool("", "check", "rules", PROMETHEUS.resolve("alerts.yml").toString());
        Run test = promtool("", "test", "rules", PROMETHEUS.resolve("alerts.test.yml").toString());

        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(test.exit()).as(test.output()).isZero();
    }

    private record Run(int exit, String output) {
    }

    private static Run promtool(String input, String... args) throws Exception {
        Process process = new ProcessBuilder(concat(args)).redirectErrorStream(true).start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool ended").isTrue();
        return new Run(process.exitValue(), output);
    }

    private static List<String> concat(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        return command;
    }

    private static boolean onPath() throws IOException {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, "promtool"))) {
                return true;
            }
        }
        return false;
    }
}
