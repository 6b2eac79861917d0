package io.taskfork.consumer.child.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How an exec command's output reaches the task's log, its error message and its result. */
class CommandOutputTest {

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @Test
    void theLogGetsTheBytesAsTheyCameAndALastLineWithoutItsNewlineIsEnded() throws Exception {
        CommandOutput output = copied("one\r\ntwo\nthree");

        assertThat(logged.toString(StandardCharsets.UTF_8)).isEqualTo("one\r\ntwo\nthree\n");
        assertThat(output.tailForMessage()).isEqualTo(": one | two | three");
    }

    @Test
    void aProgressBarIsRememberedAsItLastShowedAndALongLineIsCutInTheTail() throws Exception {
        CommandOutput output = copied("10%\r50%\r100%\n" + "x".repeat(5000) + "\n");

        assertThat(output.tailForMessage()).isEqualTo(": 100% | " + "x".repeat(1000) + "…");
        assertThat(logged.size()).isEqualTo("10%\r50%\r100%\n".length() + 5001);
    }

    @Test
    void aJsonLineOverAMegabyteIsCopiedButNotTakenAsTheResult() throws Exception {
        String big = "{\"big\":\"" + "x".repeat(CommandOutput.KEEP) + "\"}";
        CommandOutput output = copied("{\"small\":1}\n" + big + "\n");

        assertThat(output.lastJsonLine()).hasValueSatisfying(json -> assertThat(json.path("small").asInt()).isOne());
        assertThat(logged.size()).isEqualTo("{\"small\":1}\n".length() + big.length() + 1);
        assertThat(output.tailForMessage()).endsWith("[a line of " + big.length() + " bytes]");
    }

    @Test
    void aCharacterSplitBetweenTwoReadsIsKeptWhole() throws Exception {
        // the 8192-byte read ends in the middle of the two bytes of "é"
        String line = "a".repeat(8191) + "é";
        CommandOutput output = copied(line + "\n");

        assertThat(logged.toString(StandardCharsets.UTF_8)).isEqualTo(line + "\n");
        assertThat(output.tailForMessage()).endsWith("a…");
    }

    private CommandOutput copied(String text) throws InterruptedException {
        CommandOutput output = CommandOutput.ready(new PrintStream(logged, true, StandardCharsets.UTF_8), "test");
        output.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        output.join();
        return output;
    }

    @Test
    void aReaderWhoseCommandNeverStartedEndsWithNothingLogged() throws Exception {
        CommandOutput output = CommandOutput.ready(new PrintStream(logged, true, StandardCharsets.UTF_8), "test");

        output.abandon();

        output.join();
        assertThat(logged.size()).isZero();
        assertThat(output.tailForMessage()).isEmpty();
    }
}
