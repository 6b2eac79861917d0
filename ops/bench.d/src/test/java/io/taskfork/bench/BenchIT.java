package io.taskfork.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.config.WorkSettings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ops/bench} as a user runs it, on the local services: every figure is there, and the
 * queues and schema are gone afterwards. No figure is held to a bound: a benchmark is not a test.
 */
class BenchIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
    private static final List<String> TASK_PHASES = List.of("b", "c", "c_bare", "c_nostandby");
    private static final List<String> SUPERVISOR_PHASES = List.of("c", "c_bare", "c_nostandby");

    private record Run(int exitCode, String out, String err) {
    }

    private record Started(Process process, Path out, Path err) {
    }

    /** Two runs at once, as when ops/bench is run beside this test: each keeps to its own queue and schema. */
    @Test
    void twoShortRunsAtOncePrintEveryFigureAsJsonAndCleanUp() throws Exception {
        Started first = start("--tasks", "20", "--json");
        Started second = start("--tasks", "20", "--json");
        Run firstRun;
        Run secondRun;
        try {
            firstRun = finish(first);
        } finally {
            // both end before anything is checked, so that a failed check leaves no run behind
            secondRun = finish(second);
        }
        JsonNode one = check(firstRun);
        JsonNode other = check(secondRun);

        assertThat(one.path("queue").asText()).startsWith("taskfork.bench.").isNotEqualTo(other.path("queue").asText());
        assertThat(one.path("schema").asText()).startsWith("taskfork_bench_").isNotEqualTo(other.path("schema").asText());
        assertCleanedUp(one);
        assertCleanedUp(other);
        assertThat(WorkSettings.defaultRoot(one.path("schema").asText()))
                .as("the run's work folder").doesNotExist();
    }

    private static JsonNode check(Run run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = Json.parse(run.out());
        assertThat(report.path("ok").asBoolean()).as(run.out()).isTrue();
        assertThat(report.path("tasks").asInt()).isEqualTo(20);
        assertThat(report.path("prefetch").asInt()).isEqualTo(4);

        JsonNode machine = report.path("machine");
        assertThat(machine.path("nproc").asInt()).isPositive();
        assertThat(machine.path("cpu_model").asText()).isNotBlank();
        assertThat(machine.path("java").asText()).contains("version");
        assertThat(machine.path("ram_mb").asLong()).isPositive();
        assertThat(machine.path("clk_tck").asLong()).isPositive();

        for (String phase : List.of("a", "b", "c", "c_bare", "c_nostandby")) {
            JsonNode figures = report.path(phase);
            assertThat(figures.path("what").asText()).as(phase).isNotBlank();
            for (String field : List.of("tasks_per_second", "wall_seconds", "cpu_seconds_per_task")) {
                assertThat(figures.path(field).asDouble()).as(phase + "." + field).isPositive();
            }
        }
        for (String phase : TASK_PHASES) {
            for (String latency : List.of("delivery_to_handler_ms", "enqueue_to_succeeded_ms")) {
                JsonNode percentiles = report.path(phase).path(latency);
                String name = phase + "." + latency;
                assertThat(percentiles.path("p50").asDouble()).as(name + ".p50").isPositive();
                assertThat(percentiles.path("p95").asDouble()).as(name + ".p95")
                        .isGreaterThanOrEqualTo(percentiles.path("p50").asDouble());
                assertThat(percentiles.path("p99").asDouble()).as(name + ".p99")
                        .isGreaterThanOrEqualTo(percentiles.path("p95").asDouble());
            }
        }
        for (String phase : SUPERVISOR_PHASES) {
            JsonNode figures = report.path(phase);
            assertThat(figures.path("supervisor_rss_mb").asDouble()).as(phase).isPositive();
            assertThat(figures.path("supervisor_peak_rss_mb").asDouble()).as(phase)
                    .isGreaterThanOrEqualTo(figures.path("supervisor_rss_mb").asDouble());
            assertThat(figures.path("supervisor_cpu_ms_per_task").asDouble()).as(phase).isPositive();
            assertThat(figures.path("supervisor_cpu_ms_per_task_second_half").isNumber()).as(phase).isTrue();
            assertThat(figures.path("throughput_vs_a").asDouble()).as(phase).isPositive();
            assertThat(figures.path("throughput_vs_b").asDouble()).as(phase).isPositive();
            JsonNode paced = figures.path("paced_delivery_to_handler_ms");
            assertThat(paced.path("p50").asDouble()).as(phase + ".paced.p50").isPositive();
            assertThat(paced.path("p99").asDouble()).as(phase + ".paced.p99")
                    .isGreaterThanOrEqualTo(paced.path("p50").asDouble());
        }
        assertThat(report.path("a").has("delivery_to_handler_ms")).isFalse();
        // c less c-bare may come out below zero in a run this short: only its presence is checked
        assertThat(report.path("containment_cost").path("cpu_ms_per_task").isNumber()).as(run.out()).isTrue();
        assertThat(report.path("containment_cost").path("throughput_c_over_c_bare").asDouble()).isPositive();
        return report;
    }

    @Test
    void aBadTaskCountIsRefusedWithOneLineAndExitCodeTwo() throws Exception {
        Run run = bench("--tasks", "abc");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList()).singleElement().asString().startsWith("bench: ").contains("abc");
    }

    @Test
    void aTaskCountOutOfBoundsIsRefusedWithOneLineAndExitCodeTwo() throws Exception {
        Run run = bench("--tasks", "9");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList()).singleElement().asString().startsWith("bench: ").contains("10");
    }

    private static Run bench(String... args) throws IOException, InterruptedException {
        return finish(start(args));
    }

    private static Started start(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(ROOT.resolve("ops/bench").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("bench-it-", ".out");
        Path err = Files.createTempFile("bench-it-", ".err");
        Process process = new ProcessBuilder(command)
                .directory(ROOT.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        return new Started(process, out, err);
    }

    private static Run finish(Started started) throws IOException, InterruptedException {
        Process process = started.process();
        try {
            if (!process.waitFor(8, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("ops/bench did not end within 8 minutes");
            }
            return new Run(process.exitValue(), Files.readString(started.out(), StandardCharsets.UTF_8),
                    Files.readString(started.err(), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(started.out());
            Files.deleteIfExists(started.err());
        }
    }

    private static void assertCleanedUp(JsonNode report) throws Exception {
        String schema = report.path("schema").asText();
        String queue = report.path("queue").asText();
        Settings settings = Settings.load(BenchEnvironment.variables(System.getenv()), java.util.Map.of());
        try (Database database = Database.connect(settings.db(), 1, "bench-it")) {
            int schemas = database.jdbi().withHandle(handle -> handle
                    .createQuery("select count(*) from information_schema.schemata where schema_name = :schema")
                    .bind("schema", schema)
                    .mapTo(Integer.class)
                    .one());
            assertThat(schemas).as("schema " + schema + " dropped").isZero();
        }
        Connection connection = Broker.connect(settings.amqp(), "bench-it");
        try {
            for (String name : List.of(queue, queue + ".dead", queue + ".retry")) {
                Channel channel = connection.createChannel();
                try {
                    channel.queueDeclarePassive(name);
                    throw new AssertionError("queue " + name + " is still there");
                } catch (IOException expected) {
                    // 404 NOT_FOUND: deleted, as it should be; the channel is closed by the broker
                }
            }
        } finally {
            connection.abort();
        }
    }
}
