package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad usage of {@code dlq} exits 2 with one line, before anything is opened (the services named here do not exist). */
class DlqUsageTest {

    private static final Map<String, String> NOWHERE = Map.of(
            "TASKFORK_AMQP_URI", "amqp://guest:guest@127.0.0.1:1/%2F",
            "TASKFORK_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/postgres");

    @Test
    void dlqWithoutCommandIsUsageError() {
        assertUsageError(CliRun.of(NOWHERE, "dlq"),
                "taskfork: missing command: list, show, replay or purge (see taskfork dlq --help)");
    }

    @Test
    void replayWithoutChoiceIsUsageError() {
        assertUsageError(CliRun.of(NOWHERE, "dlq", "replay"),
                "taskfork: give task IDs, --all or --reason R: one of them (see taskfork dlq replay --help)");
    }

    @Test
    void replayWithTwoChoicesIsUsageError() {
        assertUsageError(CliRun.of(NOWHERE, "dlq", "replay", "7", "--all"),
                "taskfork: give task IDs, --all or --reason R: one of them (see taskfork dlq replay --help)");
    }

    @Test
    void replayOfAnUnknownReasonNamesTheReasons() {
        CliRun run = CliRun.of(NOWHERE, "dlq", "replay", "--reason", "bored");

        assertUsageError(run, null);
        assertThat(run.err()).startsWith("taskfork: unknown reason 'bored'; reasons: exception, exit, signal,");
    }

    @Test
    void listLimitBelowOneIsUsageError() {
        assertUsageError(CliRun.of(NOWHERE, "dlq", "list", "--limit", "0"),
                "taskfork: --limit must be at least 1, not 0 (see taskfork dlq list --help)");
    }

    @Test
    void showOfANonNumberIsUsageError() {
        CliRun run = CliRun.of(NOWHERE, "dlq", "show", "abc");

        assertUsageError(run, null);
        assertThat(run.err()).contains("a task ID is a whole number from 1 up, not 'abc'");
    }

    @Test
    void purgeHelpSaysTheRowsStay() {
        CliRun run = CliRun.of(NOWHERE, "dlq", "purge", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Task rows are left as they are");
    }

    private static void assertUsageError(CliRun run, String line) {
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSize(1);
        if (line != null) {
            assertThat(run.errLines()).containsExactly(line);
        }
    }
}
