package io.taskfork.consumer;

import static io.taskfork.consumer.testing.PackagedConsumer.awaitEnded;
import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static io.taskfork.consumer.testing.PackagedConsumer.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.consumer.testing.PackagedConsumer;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A supervisor that is stopped (SIGSTOP here; a stall of its process alike) cannot kill a task at
 * its timeout, and another supervisor may take its tasks once its heartbeat is 30 s old: the child
 * hears the supervisor's pings no more and ends itself, with what its task started, before that.
 */
class FrozenSupervisorIT {

    @TempDir
    static Path folder;
    private static IsolatedEnvironment environment;

    @BeforeAll
    static void createEnvironment() {
        environment = IsolatedEnvironment.create(FrozenSupervisorIT.class);
    }

    @AfterAll
    static void dropEnvironment() throws Exception {
        environment.close();
    }

    @Test
    void aStoppedSupervisorsChildEndsWithItsProcessTreeOnceItHearsNoMorePings() throws Exception {
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(variables(), log);
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
            String mark = HostProcesses.uniqueSleep();
            long id = PackagedConsumer.submit(environment, "exec",
                    "{\"argv\": [\"sh\", \"-c\", \"sleep " + mark + " & sleep " + mark + "\"]}");
            awaitTrue(() -> running(mark) == 2, "the task's two sleeps");
            List<ProcessHandle> sleeps = HostProcesses.withArgument(mark);
            ProcessHandle child = consumer.children()
                    .filter(process -> process.descendants().anyMatch(sleeps::contains)).findFirst().orElseThrow();
            signal("STOP", consumer);
            Instant stopped = Instant.now();

            // the child as well as its task's processes, before the supervisor goes on and would kill it
            awaitTrue(() -> running(mark) == 0 && !PackagedConsumer.isRunning(child),
                    "the task's child and its sleeps gone");

            assertThat(Duration.between(stopped, Instant.now())).as("ended by the child, 20 s after the last ping")
                    .isBetween(Duration.ofSeconds(15), Duration.ofSeconds(28));
            signal("CONT", consumer);
            Task task = awaitEnded(environment, id);
            assertThat(task.status()).as(read(log)).isEqualTo(TaskStatus.CRASHED);
            assertThat(task.failureKind()).isEqualTo(FailureKind.TIMEOUT);
            assertThat(task.error()).isEqualTo("ended itself with its process tree: its supervisor was silent for 20s,"
                    + " or did not stop it 30s after its timeout of 10m (TASKFORK_TASK_TIMEOUT)");
        } finally {
            signal("CONT", consumer);
            consumer.destroy();
            consumer.waitFor(PackagedConsumer.WITHIN.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void aTaskLongerThanThePingsSilenceRunsOnWhileItsSupervisorRuns() throws Exception {
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(variables(), log);
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");

            long id = PackagedConsumer.submit(environment, "exec", "{\"argv\": [\"sh\", \"-c\", \"sleep 24\"]}");

            assertThat(awaitEnded(environment, id).status()).as(read(log)).isEqualTo(TaskStatus.SUCCEEDED);
        } finally {
            consumer.destroy();
            consumer.waitFor(PackagedConsumer.WITHIN.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static Map<String, String> variables() {
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_TASK_TIMEOUT", "10m");
        variables.put("TASKFORK_EXEC_ALLOW", "sh");
        return variables;
    }

    private static long running(String mark) {
        return HostProcesses.withArgument(mark).stream().filter(PackagedConsumer::isRunning).count();
    }

    private static void signal(String name, Process process) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor()).isZero();
    }
}
