package io.taskfork.consumer;

import static io.taskfork.consumer.testing.PackagedConsumer.WITHIN;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static io.taskfork.consumer.testing.PackagedConsumer.start;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor as an operator starts it, with a setting or a service it cannot work with: it
 * exits by itself, 2 for a bad setting and 1 for a service it cannot use, with one line saying why.
 */
class StartRefusalsIT {

    @TempDir
    static Path folder;
    private static IsolatedEnvironment environment;

    @BeforeAll
    static void createEnvironment() {
        environment = IsolatedEnvironment.create(StartRefusalsIT.class);
    }

    @AfterAll
    static void dropEnvironment() throws Exception {
        environment.close();
    }

    @Test
    void badSettingExitsTwoWithOneLineNamingIt() throws Exception {
        Exit exit = runUntilExit("TASKFORK_CHILD_HEAP", "4m");

        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.output()).isEqualTo("taskfork consumer: invalid TASKFORK_CHILD_HEAP \"4m\": "
                + "expected at least 16m, as a JVM needs that much heap to start\n");
    }

    @Test
    void unknownExecSandboxExitsTwoWithOneLineNamingIt() throws Exception {
        Exit exit = runUntilExit("TASKFORK_EXEC_SANDBOX", "firejail");

        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.output()).isEqualTo("taskfork consumer: invalid TASKFORK_EXEC_SANDBOX \"firejail\": "
                + "expected off or bwrap\n");
    }

    @Test
    void aWorkFolderInWhichNoFolderCanBeMadeExitsTwoWithOneLineNamingIt() throws Exception {
        Exit exit = runUntilExit("TASKFORK_WORK_DIR", "/proc/taskfork-work");

        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.output()).startsWith("taskfork consumer: TASKFORK_WORK_DIR=/proc/taskfork-work: tasks cannot"
                + " work there, no folder can be made in it (").endsWith(")\n").hasLineCount(1);
    }

    /** ops/taskfork gives the supervisor -Xmx256m: the logs of four tasks at 32 MiB each do not fit beside it. */
    @Test
    void aLogLimitTheHeapCannotHoldForEveryTaskExitsTwoWithOneLineNamingBothSettings() throws Exception {
        Exit exit = runUntilExit(Map.of("TASKFORK_LOG_LIMIT", "32m"), List.of("-Xmx256m", "-Xmn24m"));

        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.output()).startsWith("taskfork consumer: TASKFORK_LOG_LIMIT of 32 MiB with TASKFORK_PREFETCH=4:"
                + " the logs of the tasks running at once take up to about 736 MiB of the supervisor's heap besides its"
                + " own 64 MiB, and it has ").endsWith(" MiB (-Xmx); lower TASKFORK_LOG_LIMIT or TASKFORK_PREFETCH,"
                + " or give the supervisor a larger -Xmx\n").hasLineCount(1);
    }

    @Test
    void childJvmOptionsTheJvmRefusesExitTwoWithOneLineNamingTheSettingAndTheJvmsReason() throws Exception {
        Exit exit = runUntilExit("TASKFORK_CHILD_JAVA_OPTIONS", "-Xbogus");

        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.output()).endsWith("taskfork consumer: a child JVM refused its options"
                + " (TASKFORK_CHILD_JAVA_OPTIONS, TASKFORK_CHILD_HEAP, TASKFORK_CHILD_JAVA): Unrecognized option: -Xbogus\n");
    }

    @Test
    void childJvmOptionsTheLauncherCannotReadExitTwoWithOneLineNamingTheSetting() throws Exception {
        Exit exit = runUntilExit("TASKFORK_CHILD_JAVA_OPTIONS", "-cp");

        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.output()).endsWith("taskfork consumer: a child JVM refused its options"
                + " (TASKFORK_CHILD_JAVA_OPTIONS, TASKFORK_CHILD_HEAP, TASKFORK_CHILD_JAVA): Error: -cp requires class"
                + " path specification\n");
    }

    @Test
    void aChildJavaThatIsNoJavaExitsTwoWithOneLineNamingTheSetting() throws Exception {
        Exit exit = runUntilExit("TASKFORK_CHILD_JAVA", "/bin/true");

        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.output()).endsWith("taskfork consumer: TASKFORK_CHILD_JAVA=/bin/true is not a java: no JDK's"
                + " version can be read beside it, and a child JVM could not start (exit code 0): no output\n");
    }

    @Test
    void sandboxWithoutBwrapExitsTwoWithOneLine() throws Exception {
        Path emptyPath = Files.createTempDirectory(folder, "no-bwrap");

        Exit exit = runUntilExit(Map.of("TASKFORK_EXEC_SANDBOX", "bwrap", "PATH", emptyPath.toString()));

        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.output()).startsWith("taskfork consumer: TASKFORK_EXEC_SANDBOX=bwrap, but bwrap cannot be"
                + " started (is bubblewrap installed and on PATH?)").endsWith("\n").hasLineCount(1);
    }

    @Test
    void sandboxWhoseTrialRunFailsExitsTwoWithOneLineSayingWhy() throws Exception {
        // a bwrap that fails as one does where user namespaces are not allowed
        Path fakePath = Files.createTempDirectory(folder, "failing-bwrap");
        Path bwrap = Files.writeString(fakePath.resolve("bwrap"),
                "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n");
        bwrap.toFile().setExecutable(true);

        Exit exit = runUntilExit(Map.of("TASKFORK_EXEC_SANDBOX", "bwrap", "PATH", fakePath.toString()));

        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.output()).isEqualTo("taskfork consumer: TASKFORK_EXEC_SANDBOX=bwrap, but a trial run of"
                + " bwrap failed with exit code 1: bwrap: No permissions to create new namespace\n");
    }

    @Test
    void unreachableDatabaseExitsOneWithOneLine() throws Exception {
        Exit exit = runUntilExit("TASKFORK_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/postgres");

        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.output()).startsWith("taskfork consumer: cannot connect to PostgreSQL at "
                + "jdbc:postgresql://127.0.0.1:1/postgres").hasLineCount(1);
    }

    @Test
    void queueDeclaredWithOtherArgumentsExitsOneWithOneLine() throws Exception {
        String clash = environment.queues().main() + ".clash";
        try (Channel channel = environment.connection().createChannel()) {
            channel.queueDeclare(clash + ".dead", true, false, false, null);
        }
        try {
            Exit exit = runUntilExit("TASKFORK_QUEUE", clash);

            assertThat(exit.code()).isEqualTo(1);
            assertThat(exit.output()).startsWith("taskfork consumer: queue '" + clash + ".dead' already exists with"
                    + " other arguments").hasLineCount(1).doesNotContain("\tat ");
        } finally {
            // the main queue is declared first, and made, before its dead-letter queue is refused
            try (Channel channel = environment.connection().createChannel()) {
                for (String queue : List.of(clash, clash + ".dead", clash + ".retry")) {
                    channel.queueDelete(queue);
                }
            }
        }
    }

    /** Runs the consumer with one variable changed until it exits by itself. */
    private static Exit runUntilExit(String variable, String value) throws Exception {
        return runUntilExit(Map.of(variable, value));
    }

    /** Runs the consumer with {@code changed} variables until it exits by itself. */
    private static Exit runUntilExit(Map<String, String> changed) throws Exception {
        return runUntilExit(changed, List.of());
    }

    /** Runs the consumer, its JVM given {@code jvmOptions}, with {@code changed} variables until it exits by itself. */
    private static Exit runUntilExit(Map<String, String> changed, List<String> jvmOptions) throws Exception {
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.putAll(changed);
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(variables, log, jvmOptions);
        try {
            assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).as("exited by itself").isTrue();
            return new Exit(consumer.exitValue(), read(log));
        } finally {
            consumer.destroyForcibly();
        }
    }

    private record Exit(int code, String output) {
    }
}
