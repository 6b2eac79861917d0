package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.rabbitmq.client.Channel;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code enqueue} against a real broker and database: many lines, bad lines, and what it prints of each. */
class EnqueueCommandIT {

    private static final Duration SANITY_BOUND = Duration.ofSeconds(60);

    @RegisterExtension
    static final CliEnvironment CLI = new CliEnvironment();

    @TempDir
    Path folder;

    @Test
    void enqueueOfTwoThousandLinesCreatesAsManyRowsAndMessages() throws Exception {
        Path file = folder.resolve("tasks.jsonl");
        Files.write(file, IntStream.range(0, 2_000)
                .mapToObj(i -> "{\"type\": \"echo\", \"payload\": {\"i\": " + i + "}}").toList());

        long started = System.nanoTime();
        CliRun run = cli("enqueue", file.toString());
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).hasSize(2_000).doesNotHaveDuplicates().allMatch(line -> line.matches("[0-9]+"));
        assertThat(run.errLines()).last().asString()
                .matches("enqueued 2000 tasks in [0-9]+\\.[0-9]{2} s \\([0-9]+ tasks/s\\)");
        // a slow run shows its progress too, a line at most once a second (a run under a second, none)
        assertThat(run.errLines().subList(0, run.errLines().size() - 1))
                .hasSizeLessThanOrEqualTo((int) took.toSeconds())
                .allMatch(line -> line.matches(
                        "enqueued [0-9]+ tasks so far \\([0-9]+%, [0-9]+ tasks/s, (about .*|<1s) left\\)"));
        assertThat(CLI.rowCount()).isEqualTo(2_000);
        CLI.mainQueue().awaitCount(2_000);
        assertThat(took).as("sanity bound, not a benchmark").isLessThan(SANITY_BOUND);
    }

    @Test
    void enqueueReportsMalformedLinesByNumberEnqueuesTheRestAndExitsOne() throws Exception {
        String input = String.join("\n",
                "{\"type\": \"echo\", \"payload\": {\"n\": 1}}",
                "",
                "{\"type\": \"echo\", \"payload\": ",
                "{\"payload\": {}}",
                "{\"type\": \"echo\", \"payload\": [1]}",
                "{\"type\": \"sleep\"}") + "\n";

        CliRun run = CliRun.withInput(CLI.env().environment(), input, "enqueue", "-");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).hasSize(2);
        assertThat(run.errLines()).hasSize(4);
        assertThat(run.errLines().get(0)).startsWith("line 3: bad JSON: ");
        assertThat(run.errLines().get(1)).isEqualTo("line 4: no \"type\"");
        assertThat(run.errLines().get(2)).isEqualTo("line 5: \"payload\" must be a JSON object, not an array");
        assertThat(run.errLines().get(3)).startsWith("enqueued 2 tasks in ").endsWith("; 3 lines skipped");
        assertThat(CLI.rowCount()).isEqualTo(2);
        CLI.mainQueue().awaitCount(2);
    }

    @Test
    void anEnqueueLineNamingAQueueTheBrokerHoldsOtherwiseIsReportedByNumberAndTheRestEnqueued() throws Exception {
        String classic = CLI.env().queues().main() + ".classic";
        try (Channel channel = CLI.env().connection().createChannel()) {
            channel.queueDeclare(classic, true, false, false, null);
        }
        try {
            String input = String.join("\n", "{\"type\": \"echo\", \"payload\": {\"n\": 1}}",
                    "{\"type\": \"echo\", \"queue\": \"" + classic + "\"}",
                    "{\"type\": \"echo\", \"payload\": {\"n\": 3}}") + "\n";

            CliRun run = CliRun.withInput(CLI.env().environment(), input, "enqueue", "-");

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            assertThat(run.outLines()).hasSize(2);
            assertThat(run.errLines().get(0)).startsWith("line 2: queue '" + classic + "' already exists with other"
                    + " arguments: delete it or give the task another queue (PRECONDITION_FAILED");
            assertThat(run.errLines().get(1)).endsWith("; 1 line skipped");
            assertThat(CLI.rowCount()).isEqualTo(2);
        } finally {
            try (Channel channel = CLI.env().connection().createChannel()) {
                channel.queueDelete(classic);
                channel.queueDelete(classic + ".dead");
            }
        }
    }

    /** Editors on Windows start a UTF-8 file with a byte-order mark: its first line is a task all the same. */
    @Test
    void aFileThatStartsWithAByteOrderMarkLosesNoLine() throws Exception {
        String input = "\uFEFF{\"type\": \"echo\", \"payload\": {\"n\": 1}}\n";

        CliRun run = CliRun.withInput(CLI.env().environment(), input, "enqueue", "-");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.errLines()).singleElement().asString().startsWith("enqueued 1 task in ");
        assertThat(CLI.rowCount()).isEqualTo(1);
    }

    @Test
    void withLineNumbersEachIdFollowsTheNumberOfTheLineThatMadeIt() throws Exception {
        String input = String.join("\n",
                "{\"type\": \"echo\", \"payload\": {\"n\": 1}}",
                "",
                "{\"type\": \"echo\", \"payload\": [1]}",
                "{\"type\": \"echo\", \"payload\": {\"n\": 4}}") + "\n";

        CliRun run = CliRun.withInput(CLI.env().environment(), input, "enqueue", "--line-numbers", "-");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).hasSize(2);
        assertThat(run.outLines().get(0)).matches("1 [0-9]+");
        assertThat(run.outLines().get(1)).matches("4 [0-9]+");
        long fourth = Long.parseLong(run.outLines().get(1).split(" ")[1]);
        String n = CLI.env().database().jdbi().withHandle(handle -> handle
                .createQuery("select payload->>'n' from tasks where id = :id").bind("id", fourth)
                .mapTo(String.class).one());
        assertThat(n).as("the row of line 4").isEqualTo("4");
    }

    @Test
    void theBarsShareIsOfTheLinesEnqueuedNotOfWhatTheReaderHasBuffered() throws Exception {
        int lines = 5_000;
        Path file = folder.resolve("even.jsonl");
        // lines of one length, so that a share of the bytes is the same share of the lines
        Files.write(file, IntStream.range(0, lines)
                .mapToObj(i -> String.format("{\"type\": \"echo\", \"payload\": {\"i\": \"%05d\"}}", i)).toList());

        CliRun run = CliRun.run(CLI.env().environment(), InputStream.nullInputStream(), new Terminals(false, true),
                "enqueue", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher bar = Pattern.compile("\\] +([0-9]+)%  ([0-9]+) tasks").matcher(run.err());
        int bars = 0;
        while (bar.find()) {
            bars++;
            double share = Integer.parseInt(bar.group(2)) * 100.0 / lines;
            assertThat(Double.parseDouble(bar.group(1))).as(bar.group()).isCloseTo(share, within(1.0));
        }
        assertThat(bars).as("bars drawn while %d lines went in: %s", lines, run.err()).isPositive();
    }

    private static CliRun cli(String... args) {
        return CliRun.of(CLI.env().environment(), args);
    }

}
