package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.consumer.testing.LeftBehind;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "What a task leaves running": a daemon that an exec command left, out of its session and
 * still holding the command's output, is killed once the command ends, so the task ends with its
 * command instead of at its timeout; in a namespace, and under taskfork-child-init without one.
 */
class ExecLeftoversIT {

    // Without the kill, the task would end crashed at this timeout, well inside awaitTerminal's wait.
    private static final String TIMEOUT = "40s";
    @TempDir
    static Path folder;
    private static SupervisorFixture namespaced;
    private static SupervisorFixture session;

    @BeforeAll
    static void startSupervisors() throws Exception {
        namespaced = SupervisorFixture.start(ExecLeftoversIT.class, Map.of("TASKFORK_EXEC_ALLOW", "bash",
                "TASKFORK_TASK_TIMEOUT", TIMEOUT, "TASKFORK_WORK_DIR", folder.resolve("namespaced").toString()));
        session = SupervisorFixture.start(ExecLeftoversIT.class, Map.of("TASKFORK_EXEC_ALLOW", "bash",
                "TASKFORK_TASK_TIMEOUT", TIMEOUT, "TASKFORK_WORK_DIR", folder.resolve("session").toString(),
                "TASKFORK_CONTAINMENT", "session"));
    }

    @AfterAll
    static void stopSupervisors() throws Exception {
        namespaced.close();
        session.close();
    }

    @Test
    void inANamespaceADaemonHoldingTheCommandsOutputEndsWithTheCommand() throws Exception {
        endsWithTheCommand(namespaced);
    }

    @Test
    void withoutANamespaceADaemonHoldingTheCommandsOutputEndsWithTheCommand() throws Exception {
        endsWithTheCommand(session);
    }

    private static void endsWithTheCommand(SupervisorFixture fixture) throws Exception {
        String name = LeftBehind.uniqueName();
        long id = fixture.submit("exec", "{\"argv\":[\"bash\",\"-c\",\"setsid bash -c 'exec -a " + name
                + " sleep 300' & sleep 0.3; echo started\"]}", 1);

        Task task = fixture.awaitTerminal(id);
        Instant ended = Instant.now();

        assertThat(task.status()).as(task.error()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(fixture.store().log(id)).get().asString().contains("started");
        while (!HostProcesses.named(name).isEmpty()) {
            assertThat(Duration.between(ended, Instant.now())).as("the daemon gone").isLessThan(Duration.ofSeconds(1));
            Thread.sleep(10);
        }
    }
}
