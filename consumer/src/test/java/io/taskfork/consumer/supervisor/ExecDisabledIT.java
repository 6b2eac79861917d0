package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A supervisor started without TASKFORK_EXEC_ALLOW runs no command at all. */
class ExecDisabledIT {

    @TempDir
    static Path folder;
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        // Retries are on, so that a refusal that was retried would show in the attempts.
        fixture = SupervisorFixture.start(ExecDisabledIT.class, Map.of(
                "TASKFORK_MAX_ATTEMPTS", "3",
                "TASKFORK_RETRY_DELAY", "100ms",
                "TASKFORK_EXEC_ROOTS", folder.toString()));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void withoutAnAllowListACommandDoesNotRunAndItsTaskFailsAtOnceSayingSo() throws Exception {
        Path created = folder.resolve("created-by-the-command");

        Task task = fixture.awaitTerminal(fixture.submit("exec", "{\"argv\":[\"touch\",\"" + created + "\"]}"));

        assertThat(created).as("what the command would have created").doesNotExist();
        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.EXCEPTION);
        assertThat(task.error()).contains("exec is disabled").contains("TASKFORK_EXEC_ALLOW");
        assertThat(task.attempts()).as("not retried").isEqualTo(1);
    }
}
