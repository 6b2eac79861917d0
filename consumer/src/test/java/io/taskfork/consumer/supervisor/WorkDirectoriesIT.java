package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "A fresh directory": a task's work directory is removed after the task however it ended,
 * and kept, with what the handler left in it, when TASKFORK_KEEP_WORKDIRS is true.
 */
class WorkDirectoriesIT {

    @TempDir
    Path workRoot;
    @TempDir
    Path cache;

    @Test
    void theDirectoryOfACrashedTaskIsRemoved() throws Exception {
        try (SupervisorFixture fixture = supervisor(Map.of())) {
            long id = fixture.submit("litter", "{\"then\":\"exit\",\"hold_ms\":1000}");
            Path directory = workRoot.resolve(Long.toString(id));
            awaitTrue(() -> Files.exists(directory.resolve("litter.txt")), "the handler littered " + directory);

            Task task = fixture.awaitTerminal(id);

            assertThat(task.status()).as(task.toString()).isEqualTo(TaskStatus.CRASHED);
            assertThat(task.failureKind()).isEqualTo(FailureKind.EXIT);
            awaitGone(directory);
        }
    }

    @Test
    void theDirectoryOfATimedOutTaskIsRemoved() throws Exception {
        try (SupervisorFixture fixture = supervisor(Map.of("TASKFORK_TASK_TIMEOUT", "2s"))) {
            long id = fixture.submit("litter", "{\"then\":\"hang\"}");
            Path directory = workRoot.resolve(Long.toString(id));
            awaitTrue(() -> Files.exists(directory.resolve("litter.txt")), "the handler littered " + directory);

            Task task = fixture.awaitTerminal(id);

            assertThat(task.failureKind()).as(task.toString()).isEqualTo(FailureKind.TIMEOUT);
            awaitGone(directory);
        }
    }

    @Test
    void keptDirectoriesOutliveTheirTasksWithWhatTheHandlersLeftHoweverTheyEnded() throws Exception {
        try (SupervisorFixture fixture = supervisor(Map.of("TASKFORK_KEEP_WORKDIRS", "true"))) {
            long succeeded = fixture.submit("litter", "{\"then\":\"return\"}");
            long crashed = fixture.submit("litter", "{\"then\":\"exit\"}");

            assertThat(fixture.awaitTerminal(succeeded).status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(fixture.awaitTerminal(crashed).status()).isEqualTo(TaskStatus.CRASHED);
            fixture.awaitEveryMessageAcked();

            assertThat(workRoot.resolve(succeeded + "/litter.txt")).hasContent("left by task " + succeeded);
            assertThat(workRoot.resolve(crashed + "/litter.txt")).hasContent("left by task " + crashed);
        }
    }

    private SupervisorFixture supervisor(Map<String, String> more) throws Exception {
        Map<String, String> variables = new HashMap<>(more);
        variables.put("TASKFORK_WORK_DIR", workRoot.toString());
        variables.put("TASKFORK_CACHE_DIR", cache.toString());
        return SupervisorFixture.start(WorkDirectoriesIT.class, variables);
    }

    private static void awaitGone(Path directory) throws InterruptedException {
        awaitTrue(() -> !Files.exists(directory), directory + " removed");
    }

    private static void awaitTrue(BooleanSupplier condition, String what)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + SupervisorFixture.WITHIN + ": " + what);
            }
            Thread.sleep(20);
        }
    }
}
