package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.config.ExecSandbox;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** exec commands under bubblewrap (TASKFORK_EXEC_SANDBOX=bwrap): what they may write, read and reach. */
class ExecSandboxIT {

    private static final Duration GONE_WITHIN = Duration.ofSeconds(1);
    // README: a cancelled task's tree is killed "within a second"; half a second more is room for
    // a loaded machine, as in ExecIT.
    private static final Duration CANCEL_KILLS_WITHIN = Duration.ofMillis(1500);

    // Under /var/tmp, never under /tmp (where a checkout, and so its target folder, may be): the
    // sandbox replaces all of /tmp with a private one, which would hide a sibling or another task's
    // directory whether or not their own rules work, and take a write outside the task's own
    // directories instead of refusing it.
    private static Path base;
    private static Path root;
    private static Path project;
    private static Path sibling;
    private static Path workDir;
    private static SupervisorFixture fixture;
    private static SupervisorFixture offline;

    @BeforeAll
    static void startSupervisors() throws Exception {
        base = Files.createTempDirectory(Path.of("/var/tmp"), "exec-sandbox-it-");
        root = Files.createDirectories(base.resolve("root"));
        project = Files.createDirectories(root.resolve("project"));
        sibling = Files.createDirectories(base.resolve("sibling"));
        workDir = Files.createDirectories(base.resolve("work"));
        Map<String, String> sandboxed = Map.of(
                "TASKFORK_MAX_ATTEMPTS", "1",
                "TASKFORK_EXEC_SANDBOX", "bwrap",
                "TASKFORK_EXEC_ALLOW", "sh,touch,cat,bash",
                // base too, as the root of a cwd above every task's directory
                "TASKFORK_EXEC_ROOTS", root + File.pathSeparator + base,
                "TASKFORK_EXEC_ENV_PASS", "PATH",
                "TASKFORK_WORK_DIR", workDir.toString());
        fixture = SupervisorFixture.start(ExecSandboxIT.class, sandboxed);
        Map<String, String> withoutNetwork = new HashMap<>(sandboxed);
        withoutNetwork.put("TASKFORK_EXEC_NETWORK", "false");
        // what the sandbox's file systems in memory may hold, for the test of that
        withoutNetwork.put("TASKFORK_TASK_MEMORY", "400m");
        // task IDs of the two supervisors' schemas overlap: their directories must not
        withoutNetwork.put("TASKFORK_WORK_DIR", Files.createDirectories(base.resolve("offline-work")).toString());
        offline = SupervisorFixture.start(ExecSandboxIT.class, withoutNetwork);
    }

    @AfterAll
    static void stopSupervisors() throws Exception {
        try {
            offline.close();
            fixture.close();
        } finally {
            try (Stream<Path> paths = Files.walk(base)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void commandCannotWriteOutsideItsDirectories() throws Exception {
        String name = "taskfork-escape-" + UUID.randomUUID();

        Task intoEtc = run(fixture, "{\"argv\":[\"touch\",\"/etc/" + name + "\"]}");
        Task intoSibling = run(fixture, "{\"argv\":[\"touch\",\"" + sibling.resolve(name) + "\"]}");
        Task intoRoot = run(fixture, "{\"argv\":[\"touch\",\"" + root.resolve(name) + "\"],\"cwd\":\"" + project + "\"}");

        assertThat(intoEtc.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(intoSibling.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(intoRoot.status()).as("the root beside the task's cwd").isEqualTo(TaskStatus.FAILED);
        assertThat(intoSibling.error()).contains("Read-only file system");
        assertThat(Path.of("/etc", name)).doesNotExist();
        assertThat(sibling.resolve(name)).doesNotExist();
        assertThat(root.resolve(name)).doesNotExist();
    }

    @Test
    void commandWritesInItsWorkDirectoryAndInItsCwd() throws Exception {
        Task inWorkDirectory = run(fixture, "{\"argv\":[\"sh\",\"-c\",\"echo kept > made && cat made\"]}");
        Task inCwd = run(fixture, "{\"argv\":[\"touch\",\"made-in-cwd\"],\"cwd\":\"" + project + "\"}");

        assertThat(inWorkDirectory.status()).as(inWorkDirectory.error()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(fixture.store().log(inWorkDirectory.id()).orElseThrow()).contains("kept");
        assertThat(inCwd.status()).as(inCwd.error()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(project.resolve("made-in-cwd")).exists();
    }

    @Test
    void anotherTasksWorkDirectoryIsInvisible() throws Exception {
        Path other = Files.createDirectories(workDir.resolve("999999999"));
        Files.writeString(other.resolve("secret.txt"), "another task's secret");

        Task task = run(fixture, "{\"argv\":[\"cat\",\"" + other.resolve("secret.txt") + "\"]}");

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).contains("No such file");
        assertThat(fixture.store().log(task.id()).orElse("")).doesNotContain("another task's secret");
    }

    @Test
    void cwdAboveTheWorkDirectoriesShowsNoOtherTasks() throws Exception {
        Path other = Files.createDirectories(workDir.resolve("999999998"));
        Files.writeString(other.resolve("secret.txt"), "another task's secret");

        Task task = run(fixture, "{\"argv\":[\"cat\",\"work/999999998/secret.txt\"],\"cwd\":\"" + base + "\"}");

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).contains("No such file");
    }

    @Test
    void itsTmpAndShmEachHoldAtMostTheMemoryCapAndTheRestOfDevAndTheWorkRootAreReadOnly() throws Exception {
        for (String full : List.of("/tmp/big", "/dev/shm/big")) {
            Task task = run(offline, "{\"argv\":[\"sh\",\"-c\",\"head -c 500m /dev/zero > " + full + "\"]}");

            assertThat(task.status()).as(full).isEqualTo(TaskStatus.FAILED);
            assertThat(task.error()).as(full).contains("No space left on device");
        }
        for (String elsewhere : List.of("/dev/made-up", "../made-up")) {
            Task task = run(offline, "{\"argv\":[\"sh\",\"-c\",\"echo x > " + elsewhere + "\"]}");

            assertThat(task.status()).as(elsewhere).isEqualTo(TaskStatus.FAILED);
            assertThat(task.error()).as(elsewhere).contains("Read-only file system");
        }
        Task within = run(offline, "{\"argv\":[\"sh\",\"-c\",\"head -c 100m /dev/zero > /tmp/fits"
                + " && head -c 100m /dev/zero > /dev/shm/fits\"]}");
        assertThat(within.status()).as(within.error()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void hostsTmpIsNotVisible() throws Exception {
        Path file = Files.createTempFile("exec-sandbox-it", ".txt");
        try {
            Files.writeString(file, "on the host's /tmp");

            Task task = run(fixture, "{\"argv\":[\"cat\",\"" + file + "\"]}");

            assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(task.error()).contains("No such file");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void networkIsReachableByDefaultAndNotWithNetworkFalse() throws Exception {
        URI broker = URI.create(fixture.environment().environment().get("TASKFORK_AMQP_URI").split(",")[0]);
        String connect = "exec 3<>/dev/tcp/" + broker.getHost() + "/" + (broker.getPort() < 0 ? 5672 : broker.getPort());
        String payload = "{\"argv\":[\"bash\",\"-c\",\"" + connect + "\"]}";

        Task online = run(fixture, payload);
        Task cutOff = run(offline, payload);

        assertThat(online.status()).as(online.error()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(cutOff.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(cutOff.error()).contains("exited with code");
    }

    @Test
    void stdinEnvAndResultStillWorkInTheSandbox() throws Exception {
        String payload = new ObjectMapper().writeValueAsString(Map.of(
                "argv", List.of("sh", "-c", "cat; printf '{\"greeting\":\"%s\"}\\n' \"$GREETING\""),
                "stdin", "from stdin\n",
                "env", Map.of("GREETING", "hi"),
                "result", "last-json-line"));

        Task task = run(fixture, payload);

        assertThat(task.status()).as(task.error()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result().path("greeting").asText()).isEqualTo("hi");
        assertThat(fixture.store().log(task.id()).orElseThrow()).contains("from stdin");
    }

    /** README, "Allow-list": under the sandbox too, the name is looked up on the supervisor's PATH. */
    @Test
    void aTasksOwnPathDoesNotChooseTheProgramAnAllowedNameRuns() throws Exception {
        Path decoy = Files.createDirectories(root.resolve("decoy"));
        Files.writeString(decoy.resolve("cat"), "#!/bin/sh\necho DECOY-RAN\n");
        decoy.resolve("cat").toFile().setExecutable(true);
        String payload = new ObjectMapper().writeValueAsString(Map.of("argv", List.of("cat"), "stdin", "the real cat\n",
                "cwd", decoy.toString(), "env", Map.of("PATH", decoy + ":.")));

        Task task = run(fixture, payload);

        assertThat(task.status()).as(task.error()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(fixture.store().log(task.id()).orElseThrow()).contains("the real cat").doesNotContain("DECOY-RAN");
    }

    /** A loader variable would run code of the task's choosing inside an allowed command. */
    @Test
    void anEnvThatSetsALoaderVariableIsRefused() throws Exception {
        Task task = run(fixture, "{\"argv\":[\"sh\",\"-c\",\"true\"],\"env\":{\"LD_PRELOAD\":\"/tmp/x.so\"}}");

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).contains("\"env\" may not set LD_PRELOAD");
    }

    @Test
    void timeoutAndTheEndOfTheCommandStillKillWhatItStarted() throws Exception {
        // unique arguments find the processes from the host, where their PIDs are not the sandbox's
        String timedOut = HostProcesses.uniqueSleep();
        String leftBehind = HostProcesses.uniqueSleep();

        Task slow = run(fixture, "{\"argv\":[\"sh\",\"-c\",\"sleep " + timedOut + "; true\"],\"timeout\":\"1s\"}");
        Task leaving = run(fixture, "{\"argv\":[\"sh\",\"-c\",\"sleep " + leftBehind + " &\"]}");

        assertThat(slow.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(slow.error()).contains("ran longer than its timeout of 1s");
        assertThat(leaving.status()).as(leaving.error()).isEqualTo(TaskStatus.SUCCEEDED);
        awaitNoProcess("sleep " + timedOut);
        awaitNoProcess("sleep " + leftBehind);
    }

    @Test
    void cancelledSandboxedCommandIsGoneWithinASecond() throws Exception {
        String sleeping = "sleep " + HostProcesses.uniqueSleep();
        long id = fixture.submit("exec", "{\"argv\":[\"sh\",\"-c\",\"" + sleeping + "; true\"]}");
        awaitProcess(sleeping);

        assertThat(fixture.store().cancel(id)).contains(TaskStatus.RUNNING);

        awaitNoProcess(sleeping, CANCEL_KILLS_WITHIN);
        assertThat(fixture.awaitTerminal(id).status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void trialRunOfTheInstalledBwrapPassesWithAndWithoutNetwork() throws Exception {
        assertThat(SandboxTrial.problem(new ExecSandbox(true, true))).isEmpty();
        assertThat(SandboxTrial.problem(new ExecSandbox(true, false))).isEmpty();
    }

    private static Task run(SupervisorFixture supervisor, String payload) throws Exception {
        return supervisor.awaitTerminal(supervisor.submit("exec", payload));
    }

    private static void awaitProcess(String commandLine) throws InterruptedException {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (ProcessHandle.allProcesses().noneMatch(process -> running(process, commandLine))) {
            assertThat(Instant.now()).as("\"" + commandLine + "\" started").isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private static void awaitNoProcess(String commandLine) throws InterruptedException {
        awaitNoProcess(commandLine, GONE_WITHIN);
    }

    private static void awaitNoProcess(String commandLine, Duration within) throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (ProcessHandle.allProcesses().anyMatch(process -> running(process, commandLine))) {
            assertThat(Instant.now()).as("\"" + commandLine + "\" still running").isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private static boolean running(ProcessHandle process, String commandLine) {
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        try {
            String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ').strip();
            return cmdline.equals(commandLine)
                    && Files.readAllLines(proc.resolve("status")).stream().noneMatch(line -> line.matches("State:\\s+Z.*"));
        } catch (IOException gone) {
            return false;
        }
    }
}
