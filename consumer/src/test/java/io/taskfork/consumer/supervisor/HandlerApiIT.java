package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a handler gets from taskfork: progress, a work directory, a logger, and a way to say "do not retry". */
class HandlerApiIT {

    @TempDir
    static Path workRoot;
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(HandlerApiIT.class, Map.of("TASKFORK_MAX_ATTEMPTS", "3",
                "TASKFORK_RETRY_DELAY", "100ms", "TASKFORK_WORK_DIR", workRoot.toString()));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void progressReachesTheRowWithinASecond(@TempDir Path scratch) throws Exception {
        Path reportedAt = scratch.resolve("reported-at");
        long id = fixture.submit("progressive", "{\"hold_ms\":3000,\"reported_to\":\"" + reportedAt + "\"}");

        Task half = awaitProgress(id, 50);
        Instant seen = Instant.now();

        assertThat(half.progressMessage()).isEqualTo("halfway");
        assertThat(Duration.between(awaitInstantIn(reportedAt), seen)).as("from the report to the row")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(fixture.awaitTerminal(id).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void eachTaskWorksInAFreshDirectoryOfItsOwnThatIsRemovedAfterwards() throws Exception {
        long id = fixture.submit("progressive", "{\"hold_ms\":0}");

        Task task = fixture.awaitTerminal(id);

        Path expected = workRoot.toRealPath().resolve(Long.toString(id));
        assertThat(task.result().path("work_directory").asText()).isEqualTo(expected.toString());
        assertThat(task.result().path("cwd_is_work_directory").asBoolean()).as(task.result().toString()).isTrue();
        assertThat(task.result().path("relative_write_landed").asBoolean()).isTrue();
        assertThat(task.result().path("scratch_existed").asBoolean()).isTrue();
        assertThat(Files.exists(expected)).as("removed after the task").isFalse();
        assertThat(fixture.store().log(id)).get().asString().contains("INFO holding at half");
    }

    @Test
    void nonRetryableExceptionFailsAtOnceDespiteAttemptsLeft() throws Exception {
        Task task = fixture.awaitTerminal(fixture.submit("hopeless", "{}"));

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.attempts()).isEqualTo(1);
        assertThat(task.error()).contains("NonRetryableException: this payload can never work");
    }

    @Test
    void handlerWhoseStaticInitializerFailsFailsOnlyItsOwnTasksWithTheReason() throws Exception {
        Task broken = fixture.awaitTerminal(fixture.submit("broken-init", "{}"));
        Task neighbour = fixture.awaitTerminal(fixture.submit("echo", "{}"));

        assertThat(broken.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(broken.failureKind()).isEqualTo(FailureKind.EXCEPTION);
        assertThat(broken.error()).contains("ExceptionInInitializerError").contains("libfoo.so not found");
        assertThat(neighbour.status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void aHandlerReadingSystemInGetsItsEndAtOnce() throws Exception {
        // without its end, the read would wait until the task's timeout, long after awaitTerminal gave up
        Task task = fixture.awaitTerminal(fixture.submit("awkward", "{\"does\":\"read-stdin\"}"));

        assertThat(task.status()).as(task.error()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result().path("stdin_bytes").asInt(-1)).isZero();
    }

    @Test
    void aResultThatCannotBeWrittenAsJsonFailsAtOnceDespiteAttemptsLeft() throws Exception {
        assertThat(unwritable("return-unwritable")).contains("AwkwardHandler$Opaque");
        assertThat(unwritable("return-itself")).contains("nesting depth exceeds 1000").contains("holds itself");
    }

    @Test
    void aResultNestedDeeperThanJsonIsWrittenFailsAtOnceAsUnwritable() throws Exception {
        assertThat(unwritable("return-too-deep")).contains("nesting depth");
    }

    /** The error of an awkward task that {@code does} so, once it has failed at its first attempt as unwritable. */
    private static String unwritable(String does) throws Exception {
        Task task = fixture.awaitTerminal(fixture.submit("awkward", "{\"does\":\"" + does + "\"}"));

        assertThat(task.status()).as(does).isEqualTo(TaskStatus.FAILED);
        assertThat(task.attempts()).as(does).isEqualTo(1);
        assertThat(task.error()).startsWith("the handler's result cannot be written as JSON: ");
        return task.error();
    }

    /** The instant the handler wrote to {@code file}, which it may write a moment after the report. */
    private static Instant awaitInstantIn(Path file) throws Exception {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (!Files.exists(file)) {
            assertThat(Instant.now()).as(file + " written").isBefore(deadline);
            Thread.sleep(20);
        }
        return Instant.parse(Files.readString(file));
    }

    private static Task awaitProgress(long id, int percent) throws InterruptedException {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (Instant.now().isBefore(deadline)) {
            Task task = fixture.store().find(id).orElseThrow();
            if (task.progress() != null && task.progress() == percent) {
                return task;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("task " + id + " never showed progress " + percent);
    }
}
