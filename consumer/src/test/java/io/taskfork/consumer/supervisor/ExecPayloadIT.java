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
import org.junit.jupiter.api.io.TempDir;

/** README, "External commands: the exec type": what can never run fails at once and runs nothing. */
class ExecPayloadIT {

    @TempDir
    static Path folder;
    private static SupervisorFixture fixture;
    private static Path tool;

    @BeforeAll
    static void startSupervisor() throws Exception {
        // Retries are on, so that a refusal that was retried would show in the attempts.
        tool = folder.resolve("tool.sh");
        Files.writeString(tool, "#!/bin/bash\necho tool ran\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        fixture = SupervisorFixture.start(ExecPayloadIT.class, Map.of(
                "TASKFORK_MAX_ATTEMPTS", "3",
                "TASKFORK_RETRY_DELAY", "100ms",
                "TASKFORK_EXEC_ALLOW", "touch,no-such-program-anywhere," + tool,
                "TASKFORK_EXEC_ROOTS", folder.toString()));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void aMisspeltFieldOrAnUnknownResultModeFailsAtOnceAndRunsNothing() throws Exception {
        Path created = folder.resolve("created-by-the-command");

        Task misspelt = fixture.awaitTerminal(fixture.submit("exec",
                "{\"argv\":[\"touch\",\"" + created + "\"],\"timout\":\"1s\"}"));
        Task unknownMode = fixture.awaitTerminal(fixture.submit("exec",
                "{\"argv\":[\"touch\",\"" + created + "\"],\"result\":\"last-line\"}"));

        assertThat(created).as("what the command would have created").doesNotExist();
        assertThat(misspelt.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(misspelt.error()).contains("unknown field \"timout\": an exec payload holds only argv, cwd, env,"
                + " stdin, result, timeout");
        assertThat(misspelt.attempts()).as("not retried").isEqualTo(1);
        assertThat(unknownMode.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(unknownMode.error()).contains("\"result\" must be \"last-json-line\"");
        assertThat(unknownMode.attempts()).isEqualTo(1);
    }

    @Test
    void anAllowedNameThatIsNoProgramFailsAtOnce() throws Exception {
        Task task = fixture.awaitTerminal(fixture.submit("exec", "{\"argv\":[\"no-such-program-anywhere\"]}"));

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).contains("command no-such-program-anywhere cannot be run");
        assertThat(task.attempts()).as("not retried").isEqualTo(1);
    }

    @Test
    void anEnvNameNoEnvironmentCanHoldOrAStdinThatIsNoTextFailsAtOnceAndRunsNothing() throws Exception {
        Path created = folder.resolve("made-despite-a-bad-field");
        String argv = "\"argv\":[\"touch\",\"" + created + "\"]";

        Task badName = fixture.awaitTerminal(fixture.submit("exec", "{" + argv + ",\"env\":{\"BAD=NAME\":\"x\"}}"));
        Task objectStdin = fixture.awaitTerminal(fixture.submit("exec", "{" + argv + ",\"stdin\":{\"x\":1}}"));
        Task numberStdin = fixture.awaitTerminal(fixture.submit("exec", "{" + argv + ",\"stdin\":5}"));

        assertThat(badName.error()).contains("\"env\" name \"BAD=NAME\" cannot be an environment variable");
        assertThat(objectStdin.error()).contains("\"stdin\" must be a string");
        assertThat(numberStdin.error()).contains("\"stdin\" must be a string");
        for (Task task : new Task[] {badName, objectStdin, numberStdin}) {
            assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(task.attempts()).as("not retried").isEqualTo(1);
        }
        assertThat(created).doesNotExist();
    }

    @Test
    void aTimeoutOrCwdThatCannotBeReadFailsAtOnceAndRunsNothing() throws Exception {
        Path created = folder.resolve("made-without-its-timeout");
        String argv = "\"argv\":[\"touch\",\"" + created + "\"]";

        Task words = fixture.awaitTerminal(fixture.submit("exec", "{" + argv + ",\"timeout\":\"10 minutes\"}"));
        Task negative = fixture.awaitTerminal(fixture.submit("exec", "{" + argv + ",\"timeout\":\"-5s\"}"));
        Task number = fixture.awaitTerminal(fixture.submit("exec", "{" + argv + ",\"timeout\":5}"));
        Task objectCwd = fixture.awaitTerminal(fixture.submit("exec", "{" + argv + ",\"cwd\":{\"x\":1}}"));

        assertThat(words.error()).contains("\"timeout\": expected a duration such as");
        assertThat(negative.error()).contains("\"timeout\":");
        assertThat(number.error()).contains("\"timeout\" must be a string: a duration such as 500ms");
        assertThat(objectCwd.error()).contains("\"cwd\" must be a string: a directory under TASKFORK_EXEC_ROOTS");
        for (Task task : new Task[] {words, negative, number, objectCwd}) {
            assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(task.attempts()).as("not retried").isEqualTo(1);
        }
        assertThat(created).as("what the command would have made").doesNotExist();
    }

    @Test
    void anEnvThroughWhichAnAllowedScriptWouldRunTheTasksOwnCodeIsRefused() throws Exception {
        Path ran = folder.resolve("ran-the-tasks-own-code");
        // bash sources BASH_ENV before the script, and takes a BASH_FUNC_ variable as a function
        Task sourced = fixture.awaitTerminal(fixture.submit("exec", "{\"argv\":[\"" + tool + "\"],"
                + "\"env\":{\"BASH_ENV\":\"/dev/stdin\"},\"stdin\":\"touch " + ran + "\\n\"}"));
        Task function = fixture.awaitTerminal(fixture.submit("exec", "{\"argv\":[\"" + tool + "\"],"
                + "\"env\":{\"BASH_FUNC_echo%%\":\"() { touch " + ran + "; }\"}}"));
        Task node = fixture.awaitTerminal(fixture.submit("exec", "{\"argv\":[\"" + tool + "\"],"
                + "\"env\":{\"NODE_OPTIONS\":\"--require /dev/stdin\"}}"));

        assertThat(ran).as("what the task's own code would have created").doesNotExist();
        assertThat(sourced.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(sourced.attempts()).as("not retried").isEqualTo(1);
        assertThat(sourced.error()).contains("\"env\" may not set BASH_ENV: a shell would run code of the task's"
                + " choosing inside an allowed command");
        assertThat(function.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(function.error()).contains("\"env\" may not set BASH_FUNC_echo%%");
        assertThat(node.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(node.error()).contains("\"env\" may not set NODE_OPTIONS: node would run");
    }
}
