package io.taskfork.consumer;

import static io.taskfork.consumer.testing.PackagedConsumer.WITHIN;
import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.taskfork.consumer.testing.PackagedConsumer;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.wire.WireFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged supervisor's log lines in each format, with the ID of the task each line is about. */
class LogFormatIT {

    @TempDir
    static Path folder;
    private static IsolatedEnvironment environment;

    @BeforeAll
    static void createEnvironment() {
        environment = IsolatedEnvironment.create(LogFormatIT.class);
    }

    @AfterAll
    static void dropEnvironment() throws Exception {
        environment.close();
    }

    @Test
    void withTheVariableEveryLineIsJsonAndATasksLinesCarryItsId() throws Exception {
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_LOG_FORMAT", "json");
        Path log = Files.createTempFile(folder, "consumer", ".log");

        long id = runOneEchoTask(PackagedConsumer.start(variables, log), log);

        List<JsonNode> lines = read(log).lines().map(Json::parse).toList();
        assertThat(lines).allSatisfy(line -> assertThat(line.get("timestamp").asText()).endsWith("Z"));
        JsonNode consuming = lines.stream().filter(line -> line.get("message").asText().contains(" consuming "))
                .findFirst().orElseThrow();
        assertThat(consuming.has("task_id")).isFalse();
        JsonNode outcome = lines.stream()
                .filter(line -> line.get("message").asText().startsWith("task " + id + " echo succeeded"))
                .findFirst().orElseThrow();
        assertThat(outcome.get("task_id").asLong()).isEqualTo(id);
        assertThat(outcome.get("level").asText()).isEqualTo("INFO");
        assertThat(outcome.get("logger").asText()).startsWith("io.taskfork.consumer.supervisor.");
        assertThat(outcome.get("thread").asText()).isNotBlank();
    }

    @Test
    void inTextTheLineOfATaskNamesItBeforeTheMessage() throws Exception {
        Path log = Files.createTempFile(folder, "consumer", ".log");

        long id = runOneEchoTask(PackagedConsumer.start(environment.environment(), log), log);
        // the line's peak is the row's, in the binary unit it is counted in, as the memory cap's lines say
        long peakMib = new TaskStore(environment.database()).find(id).orElseThrow().peakMemoryBytes() >> 20;

        assertThat(read(log).lines())
                .anyMatch(line -> line.matches(".* INFO  TaskExecution \\[task " + id + "\\] - task " + id
                        + " echo succeeded in .*, peak " + peakMib + " MiB, child pid .*"))
                .anyMatch(line -> line.matches(".* INFO  Supervisor - supervisor .* consuming " + environment.queues().main()
                        + " .*"));
    }

    @Test
    void theFlagChoosesJsonToo() throws Exception {
        Path log = Files.createTempFile(folder, "consumer", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "taskfork-consumer.jar").toString(), "--log-format", "json")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment.environment());
        Process consumer = builder.start();
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
            consumer.destroy();
            assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(consumer.exitValue()).as(read(log)).isZero();
            assertThat(read(log).lines()).isNotEmpty()
                    .allSatisfy(line -> assertThat(Json.parse(line).get("level")).isNotNull());
        } finally {
            consumer.destroyForcibly();
        }
    }

    /** Runs an echo task on {@code consumer}, then stops it with SIGTERM; the task's ID. */
    private static long runOneEchoTask(Process consumer, Path log) throws Exception {
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
            TaskStore store = new TaskStore(environment.database());
            long id = store.insert(new NewTask("echo", Json.parse("{\"hello\": \"logs\"}")));
            try (Channel channel = environment.connection().createChannel()) {
                channel.basicPublish("", environment.queues().main(), new AMQP.BasicProperties.Builder()
                        .contentType(WireFormat.TEXT_PLAIN).deliveryMode(2).build(), WireFormat.taskIdBody(id));
            }
            awaitTrue(() -> store.find(id).orElseThrow().status().isTerminal(), "task " + id + " ended");
            awaitTrue(() -> read(log).contains("task " + id + " echo succeeded"), "its outcome logged");
            consumer.destroy();
            assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(consumer.exitValue()).as(read(log)).isZero();
            return id;
        } finally {
            consumer.destroyForcibly();
        }
    }
}
