package io.taskfork.consumer.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ops/chaos exits non-zero when a task was lost: its census ({@code campaign.py report}) is run on
 * the files a campaign leaves behind, here written by hand, with and without a lost task.
 */
class ChaosCensusTest {

    private static final Path CAMPAIGN = Path.of("..", "ops", "chaos.d", "campaign.py");
    private static final String QUEUE = "taskfork.chaos";

    @TempDir
    Path folder;

    @Test
    void aTaskThatIsNotTerminalAndHasNoMessageAnywhereIsLostAndTheExitCodeIsOne() throws Exception {
        Files.writeString(folder.resolve("tasks.csv"), "1,chaos,,succeeded,,0,1,t1,a\n"
                + "2,chaos,,queued,,,0,,\n"
                + "3,chaos,,queued,,,0,,\n");
        Files.writeString(folder.resolve("census.tsv"), QUEUE + "\t2\t\n");
        Files.writeString(folder.resolve("enqueued.ids"), "1\n2\n3\n");

        Report report = report();

        assertThat(report.exitCode()).as(report.output()).isEqualTo(1);
        assertThat(report.output()).contains("| **lost**: not terminal, no message anywhere | 1 |")
                .contains("| not terminal, message still in the main or retry queue | 1 |");
    }

    @Test
    void aCampaignThatLostNothingExitsZero() throws Exception {
        Files.writeString(folder.resolve("tasks.csv"), "1,chaos,,succeeded,,0,1,t1,a\n"
                + "2,crash,exit,crashed,exit,3,1,,a\n");
        Files.writeString(folder.resolve("census.tsv"), QUEUE + ".dead\t2\texit\n");
        Files.writeString(folder.resolve("enqueued.ids"), "1\n2\n");

        Report report = report();

        assertThat(report.exitCode()).as(report.output()).isZero();
        assertThat(report.output()).contains("| **lost**: not terminal, no message anywhere | 0 |");
    }

    private record Report(int exitCode, String output) {
    }

    private Report report() throws IOException, InterruptedException {
        Process python = new ProcessBuilder("/usr/bin/python3", CAMPAIGN.toString(), "report", "--queue", QUEUE,
                folder.toString()).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Report(python.exitValue(), output);
    }
}
