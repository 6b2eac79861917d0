package io.taskfork.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to the consumer command: exit 2 and one line that says why. */
class ConsumerMainTest {

    @Test
    void badVariableExitsTwoNamingIt() {
        Result result = run(Map.of("TASKFORK_PREFETCH", "lots"));

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).isEqualTo("taskfork consumer: invalid TASKFORK_PREFETCH \"lots\": "
                + "expected a whole number from 1 to 256\n");
    }

    @Test
    void badFlagExitsTwoNamingFlagAndVariable() {
        Result result = run(Map.of(), "--task-timeout", "soon");

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).startsWith("taskfork consumer: invalid --task-timeout (TASKFORK_TASK_TIMEOUT) \"soon\"")
                .hasLineCount(1);
    }

    @Test
    void aMetricsAddressThatIsNotThisHostsExitsTwoNamingIt(@TempDir Path work) {
        // the work folder is tried first, and made: in a folder of this test's, not the default one
        Result result = run(Map.of("TASKFORK_METRICS_BIND", "203.0.113.7", "TASKFORK_WORK_DIR", work.toString()));

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).isEqualTo("taskfork consumer: TASKFORK_METRICS_BIND 203.0.113.7 is not an address of"
                + " this host\n");
        assertThat(run(Map.of("TASKFORK_METRICS_BIND", "in valid")).err)
                .startsWith("taskfork consumer: invalid TASKFORK_METRICS_BIND \"in valid\"").hasLineCount(1);
    }

    @Test
    void unknownOptionExitsTwoInOneLine() {
        Result result = run(Map.of(), "--prefetc", "4");

        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).contains("--prefetc").hasLineCount(1);
    }

    @Test
    void helpListsEverySettingWithItsVariable() {
        assertThat(printed("--help")).startsWith("Usage: taskfork consumer ")
                .contains("--amqp-uri", "TASKFORK_AMQP_URI", "--prefetch", "TASKFORK_PREFETCH", "default 4");
    }

    @Test
    void versionSaysWhichBuildItIs() {
        assertThat(printed("--version")).startsWith("taskfork consumer ");
    }

    /** What picocli prints on System.out for {@code option} (help, version), which must exit 0. */
    private static String printed(String option) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(ConsumerMain.run(new String[] {option}, Map.of(), System.err, new StopRequests())).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Result run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ConsumerMain.run(args, environment, new PrintStream(err, true, StandardCharsets.UTF_8),
                new StopRequests());
        return new Result(code, err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int code, String err) {
    }
}
