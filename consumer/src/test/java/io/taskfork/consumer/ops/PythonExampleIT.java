package io.taskfork.consumer.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** README, "Sending work from other languages": ops/examples/enqueue.py, run as a user would, with pika. */
class PythonExampleIT {

    private static final Path SCRIPT = Path.of("..", "ops", "examples", "enqueue.py").toAbsolutePath().normalize();
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(PythonExampleIT.class, Map.of());
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void theScriptsJsonMessageCarriesItsDelayKeyAndLimit() throws Exception {
        String key = "py-" + UUID.randomUUID();
        Instant sent = Instant.now();
        // long enough that the first task still holds its key when the second script has started, on a busy host
        Run first = python("--delay", "5s", "--unique-key", key, "--max-attempts", "2", "echo",
                "{\"from\": \"python\"}");
        Run second = python("--unique-key", key, "echo");

        assertThat(first.code).as(first.output).isZero();
        assertThat(first.output).contains("published a task of type echo to " + fixture.environment().queues().main());
        assertThat(second.code).as(second.output).isZero();
        fixture.awaitEveryMessageAcked();
        List<Long> ids = fixture.environment().database().jdbi().withHandle(handle -> handle
                .createQuery("select id from tasks where unique_key = :key").bind("key", key).mapTo(Long.class).list());
        assertThat(ids).as("the second message created nothing: the first task held the key").hasSize(1);
        Task task = fixture.awaitTerminal(ids.get(0));
        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result().path("from").asText()).isEqualTo("python");
        assertThat(task.maxAttempts()).isEqualTo(2);
        assertThat(task.startedAt()).isAfterOrEqualTo(sent.plusSeconds(5));
    }

    /** Read back into Python floats, the cents would be lost and 1e400 sent as Infinity, which is no JSON. */
    @Test
    void thePayloadsNumbersGoOutAsTheyWereWritten() throws Exception {
        String key = "py-" + UUID.randomUUID();
        Run run = python("--unique-key", key, "echo", "{\"cents\": 12345678901234567.89, \"huge\": 1e400}");

        assertThat(run.code).as(run.output).isZero();
        fixture.awaitEveryMessageAcked();
        long id = fixture.environment().database().jdbi().withHandle(handle -> handle
                .createQuery("select id from tasks where unique_key = :key").bind("key", key).mapTo(Long.class).one());
        Task task = fixture.awaitTerminal(id);
        assertThat(task.payload().path("cents").decimalValue()).isEqualByComparingTo("12345678901234567.89");
        assertThat(task.payload().path("huge").decimalValue()).isEqualByComparingTo("1e400");
        assertThat(python("echo", "{\"x\": NaN}").code).as("NaN, no JSON number").isEqualTo(2);
    }

    @Test
    void aBadPayloadOrAQueueThatIsNotThereIsOneLine() throws Exception {
        Run badPayload = python("echo", "{not json");
        Run noQueue = python(Map.of("TASKFORK_QUEUE", "taskfork.no-such-" + UUID.randomUUID()), "echo");

        assertThat(badPayload.code).as(badPayload.output).isEqualTo(2);
        assertThat(badPayload.output.lines()).singleElement().asString()
                .startsWith("enqueue.py: invalid PAYLOAD-JSON: ");
        assertThat(noQueue.code).as(noQueue.output).isEqualTo(1);
        assertThat(noQueue.output.lines()).singleElement().asString()
                .startsWith("enqueue.py: no queue taskfork.no-such-");
    }

    @Test
    void aPythonWithoutPikaIsToldSoInOneLine() throws Exception {
        // -S leaves out the site packages, where pika is: as a python3 that never had it
        Process process = new ProcessBuilder(pythonWithPika(), "-S", SCRIPT.toString(), "echo")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isOne();
        assertThat(output.lines()).singleElement().asString().startsWith("enqueue.py: needs pika, which ")
                .endsWith(" does not have (pip install pika, or Debian's python3-pika for /usr/bin/python3)");
    }

    private record Run(int code, String output) {
    }

    /** Debian's python3, where python3-pika puts pika, else the first python3 on the PATH. */
    private static String pythonWithPika() throws IOException, InterruptedException {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                if (new ProcessBuilder(python, "-c", "import pika").start().waitFor() == 0) {
                    return python;
                }
            } catch (IOException missing) {
                // try the next one
            }
        }
        throw new AssertionError("no python3 here can import pika: apt-get install python3-pika, or pip install pika");
    }

    private static Run python(String... args) throws IOException, InterruptedException {
        return python(Map.of(), args);
    }

    private static Run python(Map<String, String> variables, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(pythonWithPika(), SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TASKFORK_AMQP_URI", fixture.environment().settings().amqp().uri());
        builder.environment().put("TASKFORK_QUEUE", fixture.environment().queues().main());
        builder.environment().putAll(variables);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }
}
