package io.taskfork.consumer.supervisor;

import static io.taskfork.consumer.testing.SupervisorFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.sha256.Sha256Handler;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example handler project of ops/examples/sha256-handler, run from its jar as a user would:
 * the jar alone is on TASKFORK_HANDLER_PATH, so the test handlers are not.
 */
class ExampleHandlerIT {

    @TempDir
    static Path files;
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(ExampleHandlerIT.class, Map.of(
                "TASKFORK_HANDLER_PATH", exampleJar().toString(),
                "TASKFORK_MAX_ATTEMPTS", "3",
                "TASKFORK_RETRY_DELAY", "100ms"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void hashesAFileWithProgressUpTo100() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(4).nextBytes(content);
        Path file = Files.write(files.resolve("data.bin"), content);

        Task task = fixture.awaitTerminal(fixture.submit("sha256", filePayload(file.toString())));

        assertThat(task.status()).as(task.error()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result().path("sha256").asText()).isEqualTo(sha256(content));
        assertThat(task.result().path("bytes").asLong()).isEqualTo(content.length);
        assertThat(task.result().path("file").asText()).isEqualTo(file.toString());
        assertThat(task.progress()).isEqualTo(100);
        assertThat(task.progressMessage()).isEqualTo("hashed " + content.length + " bytes");
        assertThat(fixture.store().log(task.id())).get().asString().contains("INFO hashing " + file);
    }

    @Test
    void missingFileFailsAtOnceDespiteAttemptsLeft() throws Exception {
        Path missing = files.resolve("no-such-file");

        Task task = fixture.awaitTerminal(fixture.submit("sha256", filePayload(missing.toString())));

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.EXCEPTION);
        assertThat(task.attempts()).isEqualTo(1);
        assertThat(task.error()).contains("NonRetryableException: no such file: " + missing);
        assertThat(header(fixture.awaitDeadLetterOf(task.id()), WireFormat.REASON_HEADER)).isEqualTo("exception");
    }

    @Test
    void payloadThatDoesNotFitFailsAtOnce() throws Exception {
        Task misspelt = fixture.awaitTerminal(fixture.submit("sha256", "{\"path\":\"/etc/hostname\"}"));
        Task relative = fixture.awaitTerminal(fixture.submit("sha256", filePayload("etc/hostname")));

        assertThat(misspelt.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(misspelt.attempts()).isEqualTo(1);
        assertThat(misspelt.error()).contains("NonRetryableException: payload does not fit Request");
        assertThat(relative.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(relative.attempts()).isEqualTo(1);
        assertThat(relative.error()).contains("\"file\" must be an absolute path");
    }

    @Test
    void supervisorLearnsTheTypeFromTheJar() throws Exception {
        String payload = filePayload(Files.writeString(files.resolve("small.txt"), "taskfork\n").toString());

        Task known = fixture.awaitTerminal(fixture.submit("sha256", payload));
        Task unknown = fixture.awaitTerminal(fixture.submit("sha-256", payload));

        assertThat(known.status()).as(known.error()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(unknown.failureKind()).isEqualTo(FailureKind.UNKNOWN_TYPE);
        assertThat(unknown.error()).contains("known types: ").contains("sha256");
    }

    // The jar Maven resolved for the consumer's test dependency on the example: the one just built.
    private static Path exampleJar() throws Exception {
        return Path.of(Sha256Handler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static String filePayload(String file) {
        return Json.write(Json.MAPPER.createObjectNode().put("file", file));
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
