package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.consumer.testing.LeaveBehindRuns;
import io.taskfork.consumer.testing.LeftBehind;
import io.taskfork.consumer.testing.PackagedConsumer;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External commands through the exec type: argv only, an allow-list, bounded in time, killed with their tree. */
class ExecIT {

    private static final int MAX_ATTEMPTS = 3;
    private static final String TASK_TIMEOUT = "5s";
    // README: "writes a running task's log to its row every second"; the rest is room for a loaded
    // machine's scheduling and the database write.
    private static final Duration LOG_LAG_AT_MOST = Duration.ofMillis(2000);
    // README: a cancelled task's tree is killed "within a second"; half a second more is room for
    // a loaded machine.
    private static final Duration CANCEL_KILLS_WITHIN = Duration.ofMillis(1500);
    // longer than any bound above: a process still there after it is not going away
    private static final Duration GONE_WITHIN = Duration.ofSeconds(10);
    private static final int TICKS = 6;
    // spawn.sh's grandchild, found by it on the host, in or out of the task's namespace
    private static final String GRANDCHILD_SLEEP = HostProcesses.uniqueSleep();
    private static final Pattern TICK = Pattern.compile("tick (\\d+) at (\\d+)");

    @TempDir
    static Path scripts;
    // under no root of TASKFORK_EXEC_ROOTS
    @TempDir
    static Path outside;
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        script("fail.sh", "echo working; echo 'the disk is full' >&2; exit 3");
        // a grandchild that ignores SIGTERM and would outlive a careless kill
        script("spawn.sh", "sh -c 'trap \"\" TERM; exec sleep " + GRANDCHILD_SLEEP + "' & sleep 600");
        script("agent.sh", "echo '{\"type\":\"system\",\"session\":\"s1\"}'; echo 'thinking...' >&2;"
                + " echo '{\"type\":\"assistant\",\"text\":\"hi\"}'; echo '{\"type\":\"result\",\"answer\":42}';"
                + " echo done");
        script("env.sh", "env");
        script("spawn-forever.sh", "sh -c 'trap \"\" TERM; echo $$ > " + scripts.resolve("cancelled-grandchild.pid")
                + "; exec sleep 600' & sleep 600");
        // each line says when it was printed (the time is taken before the line is written)
        script("ticks.sh", "for i in $(seq 1 " + TICKS + "); do echo \"tick $i at $(date +%s%N)\"; sleep 0.5; done");
        // a background grandchild the command waits for; its PID goes to the file named by $1
        // exits at once, leaving a process in the background; its PID goes to the file named by $1
        script("leave.sh", "sleep 300 & echo $! > \"$1\"");
        script("tree.sh", "sleep 300 & echo $! > \"$1\"; wait");
        fixture = SupervisorFixture.start(ExecIT.class, Map.of(
                "TASKFORK_MAX_ATTEMPTS", Integer.toString(MAX_ATTEMPTS),
                "TASKFORK_RETRY_DELAY", "100ms",
                "TASKFORK_TASK_TIMEOUT", TASK_TIMEOUT,
                "TASKFORK_EXEC_ROOTS", scripts.toString(),
                "TASKFORK_EXEC_ALLOW", String.join(",", "echo", "pwd", "cat", "touch", "bash",
                        scripts.resolve("fail.sh").toString(), scripts.resolve("spawn.sh").toString(),
                        scripts.resolve("agent.sh").toString(), scripts.resolve("env.sh").toString(),
                        scripts.resolve("ticks.sh").toString(), scripts.resolve("tree.sh").toString(),
                        scripts.resolve("leave.sh").toString(),
                        scripts.resolve("spawn-forever.sh").toString()),
                "TASKFORK_EXEC_ENV_PASS", "PATH"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void commandThatExitsZeroSucceedsWithItsOutputInTheLog() throws Exception {
        long id = fixture.submit("exec", "{\"argv\":[\"echo\",\"hello\",\"$HOME\",\"; rm -rf /\"]}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result().path("exit_code").asInt()).isZero();
        assertThat(fixture.store().log(id)).get().asString().contains("hello $HOME ; rm -rf /");
    }

    @Test
    void nonZeroExitFailsEveryAttemptUntilTheLastWithTheCodeAndTheTailOfStderr() throws Exception {
        long id = fixture.submit("exec", argv("fail.sh"));

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.EXCEPTION);
        assertThat(task.attempts()).as("retried like any other failure").isEqualTo(MAX_ATTEMPTS);
        assertThat(task.error()).contains("exited with code 3").contains("the disk is full");
        assertThat(fixture.store().log(id)).get().asString().contains("working");
    }

    @Test
    void aCommandKilledByASignalFailsWithTheCodeAndTheSignalItTellsOf() throws Exception {
        Task task = fixture.awaitTerminal(fixture.submit("exec", "{\"argv\":[\"bash\",\"-c\",\"kill -SEGV $$\"]}", 1));

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).contains("command bash exited with code 139, as a process killed by SIGSEGV does");
        assertThat(task.exitCode()).as("the child JVM's").isZero();
    }

    @Test
    void timeoutKillsTheWholeTreeEvenAGrandchildThatIgnoresSigterm() throws Exception {
        long id = fixture.submit("exec", "{\"argv\":[\"" + scripts.resolve("spawn.sh") + "\"],\"timeout\":\"1s\"}", 1);

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).contains("ran longer than its timeout of 1s");
        // killed before the outcome was recorded; a SIGKILL takes a moment to land
        Instant deadline = Instant.now().plus(Duration.ofSeconds(1));
        while (!runningGrandchildren().isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(runningGrandchildren()).as("the grandchild that ignored SIGTERM").isEmpty();
    }

    @Test
    void taskTimeoutKillsTheCommandsWholeTree() throws Exception {
        Path pidFile = scripts.resolve("timed-out-grandchild.pid");
        long id = fixture.submit("exec", "{\"argv\":[\"" + scripts.resolve("tree.sh") + "\",\"" + pidFile + "\"]}");
        long grandchild = awaitPid(pidFile);

        Task task = fixture.awaitTerminal(id);
        Duration lingered = awaitGone(grandchild, Instant.now());

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(task.error()).contains(TASK_TIMEOUT);
        assertThat(lingered).as("grandchild " + grandchild + " alive after the task ended")
                .isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void cancelledCommandsWholeTreeIsGoneWithinASecond() throws Exception {
        long id = fixture.submit("exec", argv("spawn-forever.sh"));
        long grandchild = awaitPid(scripts.resolve("cancelled-grandchild.pid"));

        Instant cancelled = Instant.now();
        assertThat(fixture.store().cancel(id)).contains(TaskStatus.RUNNING);
        Duration took = awaitGone(grandchild, cancelled);

        assertThat(took).as("from the cancel until grandchild " + grandchild + " is gone")
                .isLessThanOrEqualTo(CANCEL_KILLS_WITHIN);
        fixture.awaitChildrenRunning(0);
        assertThat(fixture.store().find(id).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void whatTheCommandLeftRunningIsKilledWhenItEnds() throws Exception {
        Path pidFile = scripts.resolve("left-behind.pid");
        long id = fixture.submit("exec", "{\"argv\":[\"" + scripts.resolve("leave.sh") + "\",\"" + pidFile + "\"]}", 1);

        Task task = fixture.awaitTerminal(id);
        long leftBehind = awaitPid(pidFile);
        Duration lingered = awaitGone(leftBehind, Instant.now());

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(lingered).as("process " + leftBehind + " left behind, alive after the task ended")
                .isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aSucceededTaskLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        String name = LeftBehind.uniqueName();
        long id = fixture.submit("exec", LeftBehind.execPayload(name, "sleep 1"), 1);
        LeftBehind.awaitStarted(name);

        Task task = fixture.awaitTerminal(id);
        Duration lingered = LeftBehind.awaitGone(name, Instant.now());

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(lingered).as("background process and daemon alive after the task ended")
                .isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aCancelledTaskLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        LeaveBehindRuns.cancelAfterLeavingBoth(fixture, Duration.ofSeconds(1));
    }

    @Test
    void aTimedOutTaskLeavesNeitherABackgroundProcessNorADaemonRunning() throws Exception {
        String name = LeftBehind.uniqueName();
        long id = fixture.submit("exec", LeftBehind.execPayload(name, "sleep 300"), 1);
        LeftBehind.awaitStarted(name);

        Task task = fixture.awaitTerminal(id);
        Duration lingered = LeftBehind.awaitGone(name, Instant.now());

        assertThat(task.failureKind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(lingered).as("background process and daemon alive after the task timed out")
                .isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void commandGetsOnlyThePassThroughVariablesAndTheTasksOwn() throws Exception {
        long id = fixture.submit("exec", "{\"argv\":[\"" + scripts.resolve("env.sh") + "\"],\"env\":{\"GREETING\":\"hi\"}}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(fixture.store().log(id).orElseThrow()).contains("PATH=").contains("GREETING=hi")
                .doesNotContain("HOME=").doesNotContain("USER=");
    }

    @Test
    void stdinOfThePayloadIsWhatTheCommandReads() throws Exception {
        long id = fixture.submit("exec", "{\"argv\":[\"cat\"],\"stdin\":\"first line\\nsecond line\\n\"}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(fixture.store().log(id)).get().asString().contains("first line\nsecond line");
    }

    @Test
    void commandWithoutStdinReadsAnEmptyOne() throws Exception {
        // cat copies its stdin until the end: it ends only if its stdin is empty and closed
        Task task = fixture.awaitTerminal(fixture.submit("exec", "{\"argv\":[\"cat\"]}", 1));

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void commandNotOnTheAllowListIsRefusedWithoutRetry() throws Exception {
        Task task = fixture.awaitTerminal(fixture.submit("exec", "{\"argv\":[\"rm\",\"-rf\",\"/tmp/nothing\"]}"));

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).contains("command rm is not in TASKFORK_EXEC_ALLOW");
        assertThat(task.attempts()).isEqualTo(1);
    }

    @Test
    void lastJsonLineOfAStreamJsonToolIsTheResult() throws Exception {
        long id = fixture.submit("exec", "{\"argv\":[\"" + scripts.resolve("agent.sh")
                + "\"],\"result\":\"last-json-line\"}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result().path("type").asText()).isEqualTo("result");
        assertThat(task.result().path("answer").asInt()).isEqualTo(42);
        assertThat(fixture.store().log(id)).get().asString().contains("thinking...").contains("\"assistant\"");
    }

    @Test
    void eachLineReachesTheRowWithinAboutASecondWhileTheCommandRuns() throws Exception {
        long id = fixture.submit("exec", argv("ticks.sh"));
        Map<Integer, Duration> lags = new TreeMap<>();

        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (lags.size() < TICKS && Instant.now().isBefore(deadline)) {
            String log = fixture.store().log(id).orElse("");
            Instant seen = Instant.now();
            Matcher tick = TICK.matcher(log);
            while (tick.find()) {
                long printedNanos = Long.parseLong(tick.group(2));
                Instant printed = Instant.ofEpochSecond(0, printedNanos);
                lags.putIfAbsent(Integer.parseInt(tick.group(1)), Duration.between(printed, seen));
            }
            Thread.sleep(50);
        }

        assertThat(lags).as("ticks seen in the row").hasSize(TICKS);
        assertThat(lags.values()).as("from each line's printing to its being seen in the row: " + lags)
                .allMatch(lag -> lag.compareTo(LOG_LAG_AT_MOST) <= 0);
        assertThat(fixture.awaitTerminal(id).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void commandMayWorkInADirectoryUnderAnAllowedRootButNowhereElse() throws Exception {
        long inside = fixture.submit("exec", "{\"argv\":[\"pwd\"],\"cwd\":\"" + scripts + "\"}");
        long outsideAll = fixture.submit("exec", "{\"argv\":[\"pwd\"],\"cwd\":\"/etc\"}");

        assertThat(fixture.awaitTerminal(inside).status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(fixture.store().log(inside)).get().asString().contains(scripts.toRealPath().toString());
        Task refused = fixture.awaitTerminal(outsideAll);
        assertThat(refused.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(refused.error()).contains("cwd /etc is not a directory under TASKFORK_EXEC_ROOTS");
    }

    @Test
    void cwdCannotLeaveItsRootThroughDotDot() throws Exception {
        // reads as under the root, word by word, until ".." is resolved
        Path escape = scripts.resolve(scripts.relativize(outside));

        assertCwdRefusedAndNothingRan(escape, "escaped-by-dots");
    }

    @Test
    void cwdCannotLeaveItsRootThroughASymlink() throws Exception {
        Path link = Files.createSymbolicLink(scripts.resolve("link-to-outside"), outside);

        assertCwdRefusedAndNothingRan(link, "escaped-by-link");
    }

    private static void assertCwdRefusedAndNothingRan(Path cwd, String marker) throws Exception {
        Task task = fixture.awaitTerminal(fixture.submit("exec",
                "{\"argv\":[\"touch\",\"" + marker + "\"],\"cwd\":\"" + cwd + "\"}"));

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).contains("cwd " + cwd + " is not a directory under TASKFORK_EXEC_ROOTS");
        assertThat(task.attempts()).isEqualTo(1);
        assertThat(outside.resolve(marker)).as("what the command would have created outside the roots")
                .doesNotExist();
    }

    private static List<ProcessHandle> runningGrandchildren() {
        return HostProcesses.withArgument(GRANDCHILD_SLEEP).stream().filter(PackagedConsumer::isRunning).toList();
    }

    private static String argv(String script) {
        return "{\"argv\":[\"" + scripts.resolve(script) + "\"]}";
    }

    private static void script(String name, String body) throws Exception {
        Path script = scripts.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The PID a command wrote to {@code pidFile}, once it has. */
    private static long awaitPid(Path pidFile) throws Exception {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (!Files.exists(pidFile) || !Files.readString(pidFile).endsWith("\n")) {
            assertThat(Instant.now()).as("a PID in " + pidFile).isBefore(deadline);
            Thread.sleep(20);
        }
        return hostPid(Long.parseLong(Files.readString(pidFile).strip()));
    }

    /** The host's PID of what a task knows as {@code pid}; -1 when it is gone. */
    private static long hostPid(long pid) {
        return HostProcesses.ofTaskPid(pid).map(ProcessHandle::pid).orElse(-1L);
    }

    /** How long from {@code from} until {@code pid} runs no more; fails the test after {@link #GONE_WITHIN}. */
    private static Duration awaitGone(long pid, Instant from) throws Exception {
        Instant deadline = from.plus(GONE_WITHIN);
        while (isRunning(pid)) {
            assertThat(Instant.now()).as("process " + pid + " gone").isBefore(deadline);
            Thread.sleep(10);
        }
        return Duration.between(from, Instant.now());
    }

    // An exited orphan may linger as a zombie where nothing reaps it; a zombie runs nothing.
    private static boolean isRunning(long pid) throws Exception {
        if (pid < 0) {
            return false;
        }
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        try {
            return Files.readAllLines(status).stream().noneMatch(line -> line.matches("State:\\s+Z.*"));
        } catch (java.io.IOException gone) {
            return false;
        }
    }
}
