package io.taskfork.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.consumer.testing.LeaveBehindRuns;
import io.taskfork.consumer.testing.LeftBehind;
import io.taskfork.consumer.testing.PackagedConsumer;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.FailureKind;
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
 * README, "What a task leaves running", without a namespace ({@code TASKFORK_CONTAINMENT=session}):
 * taskfork-child-init is the subreaper of what the child starts, so a background process whose
 * parent exited and a daemon that left the session with setsid are gone within a second of the
 * task's end: one the child reaches on its own terms (a failure, after which the supervisor looks
 * through no {@code /proc}), a crash, and a cancel, which kills the child.
 */
class SessionContainmentIT {

    private static final Duration WITHIN_A_SECOND = Duration.ofSeconds(1);

    @TempDir
    static Path folder;
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(SessionContainmentIT.class, Map.of(
                "TASKFORK_CONTAINMENT", "session",
                "TASKFORK_EXEC_ALLOW", "bash"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void aFailedTaskLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        Task task = LeaveBehindRuns.endAfterLeavingBoth(fixture, folder, "throw");

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.exitCode()).isZero();
    }

    @Test
    void aSucceededTaskLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        Task task = LeaveBehindRuns.endAfterLeavingBoth(fixture, folder, "return");

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.exitCode()).isZero();
    }

    @Test
    void aChildThatCrashesLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        Task task = LeaveBehindRuns.endAfterLeavingBoth(fixture, folder, "segv");

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).as(task.error()).isEqualTo(FailureKind.SIGNAL);
    }

    @Test
    void aCancelledTaskLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        LeaveBehindRuns.cancelAfterLeavingBoth(fixture, Duration.ofMillis(1500));
    }

    /**
     * taskfork-child-init killed by someone else, as an operator would kill the log's child pid: the
     * JVM dies with it, and the supervisor kills what is left in the JVM's session. The daemon,
     * which left that session, was taskfork-child-init's to end: it outlives a kill of it.
     */
    @Test
    void aSigkillOfTaskforkChildInitByAnOperatorLeavesNoBackgroundProcessRunning() throws Exception {
        String name = LeftBehind.uniqueName();
        long id = fixture.submit("leave-behind",
                "{\"name\":\"" + name + "\",\"mode\":\"throw\",\"go\":\"" + folder.resolve(name + ".go") + "\"}", 1);
        LeftBehind.awaitStarted(name);
        ProcessHandle daemon = ProcessHandle.of(HostProcesses.named(name + "-daemon").get(0)).orElseThrow();
        try {
            // re-parented to its subreaper once the bash that started it has exited
            ProcessHandle[] init = new ProcessHandle[1];
            PackagedConsumer.awaitTrue(() -> (init[0] = ProcessHandle.of(HostProcesses.named(name + "-bg").get(0))
                    .flatMap(ProcessHandle::parent).filter(parent -> parent.info().command().orElse("")
                            .endsWith("taskfork-child-init")).orElse(null)) != null,
                    "the background process re-parented to taskfork-child-init");

            Instant killed = Instant.now();
            init[0].destroyForcibly();
            Duration lingered = Duration.ZERO;
            while (!HostProcesses.named(name + "-bg").isEmpty() && lingered.compareTo(LeftBehind.GONE_WITHIN) < 0) {
                Thread.sleep(10);
                lingered = Duration.between(killed, Instant.now());
            }
            Task task = fixture.awaitTerminal(id);

            assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
            assertThat(task.exitCode()).isEqualTo(137);
            assertThat(lingered).as("from the kill until the background process, in the JVM's session, is gone")
                    .isLessThan(WITHIN_A_SECOND);
        } finally {
            daemon.destroyForcibly();
        }
    }
}
