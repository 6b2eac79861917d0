package io.taskfork.consumer;

import static io.taskfork.consumer.testing.PackagedConsumer.WITHIN;
import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testhandlers.LeaveBehindAgent;
import io.taskfork.consumer.testing.AgentJar;
import io.taskfork.consumer.testing.HandlerJar;
import io.taskfork.consumer.testing.LeaveBehindRuns;
import io.taskfork.consumer.testing.LeftBehind;
import io.taskfork.consumer.testing.PackagedConsumer;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "What a task leaves running": a background process and a daemon that left the
 * task's session with setsid are gone within a second of each way a child's run can end. An exec
 * task's cancel and timeout are in ExecIT; here are a success and a failure of a Java handler, whose
 * child leaves what is left to its namespace, a crash, System.exit, a standby child discarded or
 * killed on shutdown, and the supervisor drained or killed.
 * The second is counted from the moment the end is seen: the row's terminal status, the standby
 * child's exit, the supervisor's exit or stop.
 */
class ContainmentEndingsIT {

    private static final Duration WITHIN_A_SECOND = Duration.ofSeconds(1);

    @TempDir
    static Path folder;
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(ContainmentEndingsIT.class, Map.of());
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void aChildThatCrashesLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        Task task = LeaveBehindRuns.endAfterLeavingBoth(fixture, folder, "segv");

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).as(task.error()).isEqualTo(FailureKind.SIGNAL);
    }

    @Test
    void aChildThatCallsSystemExitLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        Task task = LeaveBehindRuns.endAfterLeavingBoth(fixture, folder, "exit");

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).as(task.error()).isEqualTo(FailureKind.EXIT);
    }

    @Test
    void aFailedTaskLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        Task task = LeaveBehindRuns.endAfterLeavingBoth(fixture, folder, "throw");

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.failureKind()).as(task.error()).isEqualTo(FailureKind.EXCEPTION);
    }

    @Test
    void aSucceededTaskLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        Task task = LeaveBehindRuns.endAfterLeavingBoth(fixture, folder, "return");

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.exitCode()).isZero();
    }

    @Test
    void aDiscardedStandbyChildLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        Path work = Files.createDirectories(folder.resolve("discarded"));
        Path jar = HandlerJar.write(folder.resolve("versioned.jar"), "Versioned", HandlerJar.versioned("first"));
        String prefix = LeftBehind.uniqueName();
        try (SupervisorFixture standby = supervisorWithAgent(work, jar, prefix)) {
            Path directory = awaitStandbyDirectory(work);
            String name = prefix + "-" + directory.getFileName();
            LeftBehind.awaitStarted(name);
            ProcessHandle child = childWorkingIn(directory);

            // its jar changed: the next task discards the standby child rather than hand it the task
            HandlerJar.write(jar, "Versioned", HandlerJar.versioned("second, a longer version"));
            long id = standby.submit("versioned", "{}");
            awaitTrue(() -> !PackagedConsumer.isRunning(child), "the standby child discarded");
            Duration lingered = LeftBehind.awaitGone(name, Instant.now());

            assertThat(lingered).as("background process and daemon alive after the standby child was discarded")
                    .isLessThan(WITHIN_A_SECOND);
            Task task = standby.awaitTerminal(id);
            assertThat(task.result().path("version").asText()).as(task.toString()).isEqualTo("second, a longer version");
        }
    }

    @Test
    void aStandbyChildKilledOnShutdownLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        Path work = Files.createDirectories(folder.resolve("shut-down"));
        Path jar = HandlerJar.write(folder.resolve("unchanged.jar"), "Versioned", HandlerJar.versioned("first"));
        String prefix = LeftBehind.uniqueName();
        SupervisorFixture standby = supervisorWithAgent(work, jar, prefix);
        String name;
        try {
            name = prefix + "-" + awaitStandbyDirectory(work).getFileName();
            LeftBehind.awaitStarted(name);
        } finally {
            standby.close();
        }
        Duration lingered = LeftBehind.awaitGone(name, Instant.now());

        assertThat(lingered).as("background process and daemon alive after the supervisor stopped")
                .isLessThan(WITHIN_A_SECOND);
    }

    @Test
    void aSupervisorThatDrainsWhileItsTaskEndsLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        try (IsolatedEnvironment environment = IsolatedEnvironment.create(ContainmentEndingsIT.class)) {
            String name = LeftBehind.uniqueName();
            Path log = Files.createTempFile(folder, "consumer", ".log");
            Process consumer = PackagedConsumer.start(execOfBash(environment, Map.of()), log);
            try {
                awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
                long id = PackagedConsumer.submit(environment, "exec", LeftBehind.execPayload(name, "sleep 2"));
                LeftBehind.awaitStarted(name);

                consumer.destroy();
                Duration lingered = LeftBehind.awaitGone(name, exited(consumer));

                assertThat(consumer.exitValue()).as(read(log)).isZero();
                assertThat(new TaskStore(environment.database()).find(id).orElseThrow().status()).as(read(log))
                        .isEqualTo(TaskStatus.SUCCEEDED);
                assertThat(lingered).as("background process and daemon alive after the supervisor drained")
                        .isLessThan(WITHIN_A_SECOND);
            } finally {
                consumer.destroyForcibly();
            }
        }
    }

    @Test
    void aSupervisorThatDrainsPastItsGraceLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        try (IsolatedEnvironment environment = IsolatedEnvironment.create(ContainmentEndingsIT.class)) {
            String name = LeftBehind.uniqueName();
            Path log = Files.createTempFile(folder, "consumer", ".log");
            Process consumer = PackagedConsumer.start(
                    execOfBash(environment, Map.of("TASKFORK_SHUTDOWN_GRACE", "1s")), log);
            try {
                awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
                long id = PackagedConsumer.submit(environment, "exec", LeftBehind.execPayload(name, "sleep 300"));
                LeftBehind.awaitStarted(name);

                consumer.destroy();
                Duration lingered = LeftBehind.awaitGone(name, exited(consumer));

                assertThat(consumer.exitValue()).as(read(log)).isZero();
                assertThat(new TaskStore(environment.database()).find(id).orElseThrow().status())
                        .as("given back after the grace: " + read(log)).isEqualTo(TaskStatus.QUEUED);
                assertThat(lingered).as("background process and daemon alive after the supervisor drained")
                        .isLessThan(WITHIN_A_SECOND);
            } finally {
                consumer.destroyForcibly();
            }
        }
    }

    @Test
    void aSigkilledSupervisorLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        try (IsolatedEnvironment environment = IsolatedEnvironment.create(ContainmentEndingsIT.class)) {
            String name = LeftBehind.uniqueName();
            Path log = Files.createTempFile(folder, "consumer", ".log");
            Process consumer = PackagedConsumer.start(execOfBash(environment, Map.of()), log);
            try {
                awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
                PackagedConsumer.submit(environment, "exec", LeftBehind.execPayload(name, "sleep 300"));
                LeftBehind.awaitStarted(name);

                consumer.destroyForcibly();
                Duration lingered = LeftBehind.awaitGone(name, exited(consumer));

                assertThat(lingered).as("background process and daemon alive after the supervisor was killed")
                        .isLessThan(WITHIN_A_SECOND);
            } finally {
                consumer.destroyForcibly();
            }
        }
    }

    /**
     * A supervisor that keeps one standby child, whose JVM runs {@link LeaveBehindAgent} with
     * {@code prefix}, and has {@code jar} on its handler path beside the test classes.
     */
    private static SupervisorFixture supervisorWithAgent(Path work, Path jar, String prefix) throws Exception {
        Path agent = AgentJar.write(folder.resolve("agent.jar"), LeaveBehindAgent.class);
        return SupervisorFixture.start(ContainmentEndingsIT.class, Map.of(
                "TASKFORK_PREFETCH", "1",
                "TASKFORK_WORK_DIR", work.toString(),
                "TASKFORK_CACHE_DIR", folder.resolve("cache").toString(),
                "TASKFORK_HANDLER_PATH", SupervisorFixture.testClasses() + File.pathSeparator + jar,
                "TASKFORK_CHILD_JAVA_OPTIONS", "-javaagent:" + agent + "=" + prefix));
    }

    /** The environment's variables, with bash allowed to the exec type and {@code more} added. */
    private static Map<String, String> execOfBash(IsolatedEnvironment environment, Map<String, String> more) {
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_EXEC_ALLOW", "bash");
        variables.putAll(more);
        return variables;
    }

    /** When {@code consumer} was seen to have exited. */
    private static Instant exited(Process consumer) throws InterruptedException {
        assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).as("supervisor exited").isTrue();
        return Instant.now();
    }

    /** The working directory of the first standby child, once there is one. */
    private static Path awaitStandbyDirectory(Path work) throws Exception {
        Path[] found = new Path[1];
        awaitTrue(() -> (found[0] = standbyDirectory(work)) != null, "a standby child's directory in " + work);
        return found[0];
    }

    private static Path standbyDirectory(Path work) {
        try (Stream<Path> entries = Files.list(work)) {
            return entries.filter(entry -> entry.getFileName().toString().startsWith(".standby-")).findFirst()
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The supervisor's child process that works in {@code directory}: the one it started for that child. */
    private static ProcessHandle childWorkingIn(Path directory) throws IOException {
        Path wanted = directory.toRealPath();
        List<ProcessHandle> children = ProcessHandle.current().children().filter(child -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc", Long.toString(child.pid()), "cwd")).equals(wanted);
            } catch (IOException gone) {
                return false;
            }
        }).toList();
        assertThat(children).as("the standby child working in " + directory).hasSize(1);
        return children.get(0);
    }
}
