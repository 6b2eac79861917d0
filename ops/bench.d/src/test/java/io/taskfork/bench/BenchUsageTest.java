package io.taskfork.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad command lines are refused with one line and exit code 2, before anything is touched. */
class BenchUsageTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Bench.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String error() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tooManyTasks() {
        assertThat(run("--tasks", "20001")).isEqualTo(2);
        assertThat(error()).isEqualTo("bench: --tasks must be from 10 to 20000, not 20001" + System.lineSeparator());
        assertThat(out.size()).isZero();
    }

    @Test
    void notANumber() {
        assertThat(run("--tasks", "1e3")).isEqualTo(2);
        assertThat(error().lines().toList()).singleElement().asString().startsWith("bench: ").contains("'1e3'");
    }

    @Test
    void unknownOption() {
        assertThat(run("--fast")).isEqualTo(2);
        assertThat(error().lines().toList()).singleElement().asString().startsWith("bench: ").contains("--fast");
    }

    @Test
    void badSetting() {
        int code = Bench.run(new String[] {"--tasks", "10"}, Map.of("TASKFORK_AMQP_URI", "http://nowhere"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(error().lines().toList()).singleElement().asString().startsWith("bench: ")
                .contains("TASKFORK_AMQP_URI");
    }

    @Test
    void help() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--tasks").contains("c-nostandby");
    }
}
