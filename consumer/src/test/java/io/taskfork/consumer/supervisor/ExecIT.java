package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External commands through the exec type: argv only, an allow-list, bounded in time, killed with their tree. */
class ExecIT {

    @TempDir
    static Path scripts;
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        script("fail.sh", "echo working; echo 'the disk is full' >&2; exit 3");
        // a grandchild that ignores SIGTERM and would outlive a careless kill
        script("spawn.sh", "sh -c 'trap \"\" TERM; echo $$ > " + scripts.resolve("grandchild.pid")
                + "; exec sleep 600' & sleep 600");
        script("agent.sh", "echo '{\"type\":\"system\",\"session\":\"s1\"}'; echo 'thinking...' >&2;"
                + " echo '{\"type\":\"assistant\",\"text\":\"hi\"}'; echo '{\"type\":\"result\",\"answer\":42}';"
                + " echo done");
        script("env.sh", "env");
        script("spawn-forever.sh", "sh -c 'trap \"\" TERM; echo $$ > " + scripts.resolve("cancelled-grandchild.pid")
                + "; exec sleep 600' & sleep 600");
        script("slow.sh", "echo 'step one of two'; sleep 4; echo 'step two of two'");
        fixture = SupervisorFixture.start(ExecIT.class, Map.of(
                "TASKFORK_MAX_ATTEMPTS", "1",
                "TASKFORK_EXEC_ROOTS", scripts.toString(),
                "TASKFORK_EXEC_ALLOW", String.join(",", "echo", "pwd",
                        scripts.resolve("fail.sh").toString(), scripts.resolve("spawn.sh").toString(),
                        scripts.resolve("agent.sh").toString(), scripts.resolve("env.sh").toString(),
                        scripts.resolve("slow.sh").toString(), scripts.resolve("spawn-forever.sh").toString()),
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
    void nonZeroExitFailsWithTheCodeAndTheTailOfStderr() throws Exception {
        long id = fixture.submit("exec", argv("fail.sh"));

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.EXCEPTION);
        assertThat(task.error()).contains("exited with code 3").contains("the disk is full");
        assertThat(fixture.store().log(id)).get().asString().contains("working");
    }

    @Test
    void timeoutKillsTheWholeTreeEvenAGrandchildThatIgnoresSigterm() throws Exception {
        long id = fixture.submit("exec", "{\"argv\":[\"" + scripts.resolve("spawn.sh") + "\"],\"timeout\":\"1s\"}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).contains("ran longer than its timeout of 1s");
        long grandchild = Long.parseLong(Files.readString(scripts.resolve("grandchild.pid")).strip());
        assertThat(isRunning(grandchild)).as("grandchild " + grandchild).isFalse();
    }

    @Test
    void cancellationKillsTheWholeTreeToo() throws Exception {
        Path pidFile = scripts.resolve("cancelled-grandchild.pid");
        long id = fixture.submit("exec", argv("spawn-forever.sh"));
        fixture.awaitStatus(id, TaskStatus.RUNNING);
        java.time.Instant deadline = java.time.Instant.now().plus(SupervisorFixture.WITHIN);
        while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
            assertThat(java.time.Instant.now()).as("grandchild started").isBefore(deadline);
            Thread.sleep(50);
        }
        long grandchild = Long.parseLong(Files.readString(pidFile).strip());

        fixture.store().cancel(id);
        fixture.awaitChildrenRunning(0);

        assertThat(isRunning(grandchild)).as("grandchild " + grandchild).isFalse();
        assertThat(fixture.store().find(id).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
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
    void commandNotOnTheAllowListIsRefusedWithoutRetry() throws Exception {
        Task task = fixture.awaitTerminal(fixture.submit("exec", "{\"argv\":[\"rm\",\"-rf\",\"/tmp/nothing\"]}"));

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).contains("command rm is not in TASKFORK_EXEC_ALLOW");
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
    void outputReachesTheRowWhileTheCommandStillRuns() throws Exception {
        long id = fixture.submit("exec", argv("slow.sh"));
        fixture.awaitStatus(id, TaskStatus.RUNNING);

        java.time.Instant deadline = java.time.Instant.now().plusSeconds(10);
        while (!fixture.store().log(id).orElse("").contains("step one")
                && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        Task seen = fixture.store().find(id).orElseThrow();

        assertThat(fixture.store().log(id)).get().asString().contains("step one").doesNotContain("step two");
        assertThat(seen.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(fixture.awaitTerminal(id).status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(fixture.store().log(id)).get().asString().contains("step two");
    }

    @Test
    void commandMayWorkInADirectoryUnderAnAllowedRootButNowhereElse() throws Exception {
        long inside = fixture.submit("exec", "{\"argv\":[\"pwd\"],\"cwd\":\"" + scripts + "\"}");
        long outside = fixture.submit("exec", "{\"argv\":[\"pwd\"],\"cwd\":\"/etc\"}");

        assertThat(fixture.awaitTerminal(inside).status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(fixture.store().log(inside)).get().asString().contains(scripts.toRealPath().toString());
        Task refused = fixture.awaitTerminal(outside);
        assertThat(refused.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(refused.error()).contains("cwd /etc is not a directory under TASKFORK_EXEC_ROOTS");
    }

    private static String argv(String script) {
        return "{\"argv\":[\"" + scripts.resolve(script) + "\"]}";
    }

    private static void script(String name, String body) throws Exception {
        Path script = scripts.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    // An exited orphan may linger as a zombie where nothing reaps it; a zombie runs nothing.
    private static boolean isRunning(long pid) throws Exception {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        return Files.readAllLines(status).stream().noneMatch(line -> line.matches("State:\\s+Z.*"));
    }
}
