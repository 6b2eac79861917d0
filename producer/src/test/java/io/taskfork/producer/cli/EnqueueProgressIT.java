package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What {@code enqueue} says on stderr while it works: progress, bad lines by number, and a summary. */
class EnqueueProgressIT {

    private static final String SUMMARY = "enqueued \\d+ tasks in [0-9]+\\.[0-9]{2} s \\([0-9]+ tasks/s\\).*";
    private static final String PROGRESS_LINE = "enqueued \\d+ tasks so far \\(\\d+ tasks/s\\)";
    private static final int CHUNK = 500;

    @RegisterExtension
    static final CliEnvironment CLI = new CliEnvironment();

    @TempDir
    Path folder;

    @Test
    void aBadLineInTheMiddleIsNamedByNumberTheOthersAreEnqueuedAndTheExitCodeIsOne() throws Exception {
        List<String> lines = new java.util.ArrayList<>(IntStream.rangeClosed(1, 30)
                .mapToObj(i -> "{\"type\": \"echo\", \"payload\": {\"line\": " + i + "}}").toList());
        lines.set(16, "[\"not\", \"an\", \"object\"]");
        Path file = folder.resolve("tasks.jsonl");
        Files.write(file, lines);

        CliRun run = CliRun.of(CLI.env().environment(), "enqueue", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).hasSize(29).allMatch(line -> line.matches("[0-9]+"));
        assertThat(run.errLines()).hasSize(2);
        assertThat(run.errLines().get(0)).isEqualTo("line 17: expected a JSON object, not an array");
        assertThat(run.errLines().get(1)).matches(SUMMARY).endsWith("; 1 line skipped");
        long rows = CLI.env().database().jdbi().withHandle(handle -> handle
                .createQuery("select count(*) from tasks").mapTo(Long.class).one());
        assertThat(rows).isEqualTo(29);
        CLI.mainQueue().awaitCount(29);
    }

    @Test
    void offATerminalProgressIsAPlainLineAtMostOnceASecond() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        PipedInputStream input = new PipedInputStream(writer, 1 << 20);
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(
                () -> CliRun.run(CLI.env().environment(), input, Terminals.NONE, "enqueue", "-"));

        // a slow producer upstream: a batch, then more now and then
        writeSlowly(writer, 3, Duration.ofMillis(1500));

        CliRun done = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(done.exitCode()).isZero();
        assertThat(done.outLines()).hasSize(3 * CHUNK);
        List<String> err = done.errLines();
        assertThat(err.get(err.size() - 1)).matches(SUMMARY);
        List<String> progress = err.subList(0, err.size() - 1);
        assertThat(progress).hasSizeBetween(2, 3).allMatch(line -> line.matches(PROGRESS_LINE));
        assertThat(progress.get(progress.size() - 1)).startsWith("enqueued 1500 tasks so far");
        assertThat(done.err()).doesNotContain("\r");
    }

    @Test
    void onATerminalProgressIsABarRedrawnInPlaceAndClearedBeforeTheSummary() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        PipedInputStream input = new PipedInputStream(writer, 1 << 20);
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(
                () -> CliRun.run(CLI.env().environment(), input, new Terminals(false, true), "enqueue", "-"));

        writeSlowly(writer, 2, Duration.ofMillis(300));

        CliRun done = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(done.exitCode()).isZero();
        assertThat(done.err()).startsWith("\r\033[K").contains(" tasks  ", " tasks/s").doesNotContain("so far");
        String afterBar = done.err().substring(done.err().lastIndexOf("\r\033[K") + "\r\033[K".length());
        assertThat(afterBar).matches(SUMMARY + "\n");
    }

    private static void writeSlowly(OutputStream writer, int chunks, Duration pause) {
        try (writer) {
            for (int chunk = 0; chunk < chunks; chunk++) {
                if (chunk > 0) {
                    Thread.sleep(pause.toMillis());
                }
                String lines = IntStream.range(0, CHUNK)
                        .mapToObj(i -> "{\"type\": \"echo\", \"payload\": {\"i\": " + i + "}}\n")
                        .collect(Collectors.joining());
                writer.write(lines.getBytes(StandardCharsets.UTF_8));
                writer.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
