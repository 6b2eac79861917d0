package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.consumer.testing.PackagedConsumer;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a child prints goes to its bounded log and can never pass for its result. */
class OutputCaptureIT {

    private static final int LOG_LIMIT = 64 * 1024;
    private static final Duration LEFTOVER_GONE_WITHIN = Duration.ofSeconds(1);
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        // The JVM's own logging goes to stdout: here every class a child loads.
        fixture = SupervisorFixture.start(OutputCaptureIT.class, Map.of("TASKFORK_LOG_LIMIT", "64k",
                "TASKFORK_CHILD_JAVA_OPTIONS", "-Xlog:class+load=info:stdout", "TASKFORK_CHILD_HEAP", "64m",
                "TASKFORK_EXEC_ALLOW", "bash"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void megabytesOfOutputLeaveTheResultIntactAndTheLogBounded() throws Exception {
        long id = fixture.submit("noisy", "{\"mb\":4}");

        Task task = fixture.awaitTerminal(id);
        String log = fixture.store().log(id).orElseThrow();

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result().path("intact").asBoolean()).isTrue();
        assertThat(task.result().path("printed_mb").asInt()).isEqualTo(8);
        assertThat(log.length()).isLessThanOrEqualTo(LOG_LIMIT + 200);
        assertThat(log).contains("bytes of output left out").contains("xxxx");
        // in order, each a line of its own; the JVM's class-loading lines may come between them
        int forged = log.indexOf("\n{\"event\":\"result\",\"result\":\"forged\"}\n");
        int forgedOnFd1 = log.indexOf("\n{\"event\":\"result\",\"result\":\"forged on fd 1\"}\n");
        assertThat(forged).as("the forged line printed through System.out").isNotNegative();
        assertThat(forgedOnFd1).as("the forged line written to descriptor 1, after it").isGreaterThan(forged);
    }

    /** PostgreSQL's text holds no NUL and only UTF-8: the log keeps what it can of such output, and says so. */
    @Test
    void bytesThatAreNotUtf8BecomeReplacementCharactersAndANulIsLeftOut() throws Exception {
        long id = fixture.submit("exec", "{\"argv\":[\"bash\",\"-c\",\"printf 'a\\\\377b\\\\000c\\\\n'\"]}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(fixture.store().log(id).orElseThrow()).contains("a\uFFFDbc\n");
    }

    /** The child copies a command's output as bytes: no line of it is held whole in the child's heap. */
    @Test
    void aCommandThatPrintsOneLineOfAHundredMegabytesSucceedsWithItsLogBounded() throws Exception {
        long id = fixture.submit("exec", "{\"argv\": [\"bash\", \"-c\","
                + " \"head -c 100000000 /dev/zero | tr -c a a; echo; echo after\"]}");

        Task task = fixture.awaitTerminal(id);
        String log = fixture.store().log(id).orElseThrow();

        assertThat(task.status()).as(task.error()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(log.length()).isLessThanOrEqualTo(LOG_LIMIT + 200);
        assertThat(log).contains("aaaa").contains("bytes of output left out").contains("aaaa\nafter\n");
    }

    @Test
    void whatTheJvmItselfPrintsOnStdoutGoesToTheLog() throws Exception {
        long id = fixture.submit("echo", "{\"said\":\"hello\"}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result().path("said").asText()).isEqualTo("hello");
        assertThat(fixture.store().log(id).orElseThrow()).contains("[class,load] java.lang.Object");
    }

    @Test
    void aProcessHoldingTheEventsPipeDoesNotHoldUpTheOutcomeOfAChildThatDiedAndEndsWithIt() throws Exception {
        // a length of sleep no other process of the host has: other tasks may be running here meanwhile
        String seconds = HostProcesses.uniqueSleep();
        long id = fixture.submit("stray", "{\"seconds\":\"" + seconds + "\"}");
        Instant submitted = Instant.now();

        Task task = fixture.awaitTerminal(id);
        Duration took = Duration.between(submitted, Instant.now());
        String log = fixture.store().log(id).orElseThrow();
        Matcher stray = Pattern.compile("stray pid (\\d+)").matcher(log);

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.exitCode()).isEqualTo(5);
        assertThat(stray.find()).as("the log names the stray process: " + log).isTrue();
        assertThat(took).as("recorded while the stray process still held the pipe").isLessThan(Duration.ofSeconds(20));
        // killed before the outcome was recorded; a SIGKILL takes a moment to land
        Instant deadline = Instant.now().plus(LEFTOVER_GONE_WITHIN);
        while (!running(seconds).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(running(seconds)).as("the stray process, left running by the task's child").isEmpty();
    }

    private static List<ProcessHandle> running(String sleepArgument) {
        return HostProcesses.withArgument(sleepArgument).stream().filter(PackagedConsumer::isRunning).toList();
    }
}
