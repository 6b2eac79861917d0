package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An allowed path the sandbox cannot run fails its task at once, as without the sandbox: bwrap would
 * start, fail to run it and exit 1, and every attempt would meet the same.
 */
class ExecSandboxPathsIT {

    private static Path inTmp;
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        inTmp = Files.createTempFile(Path.of("/tmp"), "taskfork-tool", ".sh");
        Files.writeString(inTmp, "#!/bin/sh\necho ran\n");
        Files.setPosixFilePermissions(inTmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        fixture = SupervisorFixture.start(ExecSandboxPathsIT.class, Map.of(
                "TASKFORK_EXEC_SANDBOX", "bwrap",
                "TASKFORK_MAX_ATTEMPTS", "3",
                "TASKFORK_RETRY_DELAY", "100ms",
                "TASKFORK_EXEC_ALLOW", "/etc/passwd,/usr/local/bin/taskfork-no-such-tool," + inTmp));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        Files.deleteIfExists(inTmp);
    }

    @Test
    void aPathThatIsNoProgramOrLiesUnderTheSandboxesOwnTmpFailsAtOnce() throws Exception {
        Task notAProgram = fixture.awaitTerminal(fixture.submit("exec", "{\"argv\":[\"/etc/passwd\"]}"));
        Task missing = fixture.awaitTerminal(fixture.submit("exec",
                "{\"argv\":[\"/usr/local/bin/taskfork-no-such-tool\"]}"));
        Task hidden = fixture.awaitTerminal(fixture.submit("exec", "{\"argv\":[\"" + inTmp + "\"]}"));

        assertThat(notAProgram.error()).contains("command /etc/passwd is allowed, but it is no program the supervisor's"
                + " user may run");
        assertThat(missing.error()).contains("command /usr/local/bin/taskfork-no-such-tool is allowed, but it is no"
                + " program");
        assertThat(hidden.error()).contains("command " + inTmp + " is allowed, but it lies under /tmp, which the"
                + " sandbox replaces with an empty one of its own");
        for (Task task : new Task[] {notAProgram, missing, hidden}) {
            assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(task.attempts()).as("not retried").isEqualTo(1);
        }
    }
}
