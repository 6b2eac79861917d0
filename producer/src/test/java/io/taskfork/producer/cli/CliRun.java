package io.taskfork.producer.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** One run of the CLI in this JVM, with what it printed. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(Map<String, String> environment, String... args) {
        return withInput(environment, "", args);
    }

    static CliRun withInput(Map<String, String> environment, String input, String... args) {
        return run(environment, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), Terminals.NONE,
                args);
    }

    /** A run whose streams count as terminals where {@code terminals} says so, as a person's would. */
    static CliRun onTerminals(Map<String, String> environment, Terminals terminals, String... args) {
        return run(environment, InputStream.nullInputStream(), terminals, args);
    }

    static CliRun run(Map<String, String> environment, InputStream in, Terminals terminals, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = ProducerMain.run(args, environment, in,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                terminals);
        return new CliRun(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> outLines() {
        return out.lines().toList();
    }

    List<String> errLines() {
        return err.lines().toList();
    }
}
