package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command takes {@code --help} (README, "Running it"): usage on stdout, exit 0, and nothing
 * opened — the services named here do not exist, so a command that tried to connect would fail.
 */
class HelpTest {

    private static final Map<String, String> NOWHERE = Map.of(
            "TASKFORK_AMQP_URI", "amqp://guest:guest@127.0.0.1:1/%2F",
            "TASKFORK_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/postgres");

    @ParameterizedTest(name = "taskfork {0} --help")
    @ValueSource(strings = {"", "submit", "enqueue", "status", "logs", "wait", "cancel", "demo", "audit", "dlq",
            "dlq list", "dlq show", "dlq replay", "dlq purge", "schedule", "schedule add", "schedule list",
            "schedule pause", "schedule resume", "schedule remove", "schedule run-now", "serve"})
    void everyCommandPrintsItsUsageAndExitsZeroOnHelp(String command) {
        String[] words = command.isEmpty() ? new String[0] : command.split(" ");
        String[] args = Arrays.copyOf(words, words.length + 1);
        args[words.length] = "--help";

        CliRun run = CliRun.of(NOWHERE, args);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).as("stdout").isNotEmpty();
        assertThat(run.outLines().get(0)).startsWith(("Usage: taskfork " + command).strip());
        assertThat(run.err()).as("stderr").isEmpty();
    }

    /** The demo takes its own queue and schema, not the variables': its help gives those as the defaults. */
    @Test
    void theDemosHelpGivesItsOwnQueueAndSchemaAsTheDefaults() {
        String help = String.join(" ", CliRun.of(NOWHERE, "demo", "--help").out().split("\\s+"));

        assertThat(help).contains("(default taskfork.demo; TASKFORK_QUEUE is not read)")
                .contains("(default taskfork_demo; TASKFORK_DB_SCHEMA is not read)")
                .doesNotContain("default taskfork.tasks").doesNotContain("TASKFORK_DB_SCHEMA, default");
    }
}
