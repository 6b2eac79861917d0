package io.taskfork.consumer.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** README, "Running it": ops/taskfork itself, before any jar runs. */
class OpsTaskforkTest {

    private static final String COMMANDS = "consumer, submit, enqueue, status, logs, wait, cancel, demo, dlq, audit,"
            + " schedule, serve";

    @Test
    void noCommandOrAnUnknownOneIsABadUsageOfOneLine() throws Exception {
        Run none = run();
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).isEqualTo("taskfork: no command given (commands: " + COMMANDS
                + "; --help says what each does)\n");

        Run unknown = run("sumbit");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err()).isEqualTo("taskfork: unknown command 'sumbit' (commands: " + COMMANDS + ")\n");
    }

    @Test
    void helpListsEveryCommand() throws Exception {
        Run help = run("--help");
        assertThat(help.exit()).isZero();
        for (String command : COMMANDS.split(", ")) {
            assertThat(help.out()).containsPattern("(?m)^  " + command + "\\b");
        }
    }

    @Test
    void versionSaysWhichBuildItIs() throws Exception {
        Run version = run("--version");
        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.out()).matches("taskfork producer \\S+\n");
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of("..", "ops", "taskfork").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out, err);
    }
}
