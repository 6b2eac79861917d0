package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * README, "Recurring tasks": a bad schedule is a usage error, exit 2 with one line, before anything
 * is opened: the services named here do not exist, so a command that tried to connect would fail
 * with exit 1 instead.
 */
class ScheduleUsageTest {

    private static final Map<String, String> NOWHERE = Map.of(
            "TASKFORK_AMQP_URI", "amqp://guest:guest@127.0.0.1:1/%2F",
            "TASKFORK_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/postgres");

    @Test
    void badSchedulesAreUsageErrorsOnOneLine() {
        assertUsageError(add("--cron", "61 * * * *"),
                "taskfork: invalid --cron \"61 * * * *\": Failed to parse cron expression. Value 61 not in range"
                        + " [0, 59] (expected five fields: minute hour day-of-month month day-of-week)"
                        + " (see taskfork schedule add --help)");
        assertUsageError(add("--cron", "0 0 9 * * ?"), "6 parts but we expect one of [5]");
        assertUsageError(add("--cron", "0 2 30 2 *"), "taskfork: invalid --cron \"0 2 30 2 *\": it names no time that"
                + " ever comes (such as 30 February) (see taskfork schedule add --help)");
        assertUsageError(add("--cron", "*/0 * * * *"), "taskfork: invalid --cron \"*/0 * * * *\": a step of 0 (such as"
                + " */0) repeats nothing");
        assertUsageError(add("--cron", "0 9 * * *", "--every", "30s"),
                "taskfork: --cron=EXPR, --every=DURATION are mutually exclusive");
        assertUsageError(add(), "Missing required argument");
        assertUsageError(add("--cron", "0 9 * * *", "--zone", "Europe/Atlantis"),
                "taskfork: invalid --zone Europe/Atlantis: expected a zone such as Europe/Berlin or UTC"
                        + " (see taskfork schedule add --help)");
        assertUsageError(add("--every", "30s", "--zone", "Europe/Berlin"), "--zone applies to --cron only");
        assertUsageError(add("--every", "soon"), "expected a duration such as 500ms, 30s, 10m or 1h");
        assertUsageError(add("--every", "500ms"), "invalid --every 500ms: expected at least 1s and at most 87600h");
        assertUsageError(add("--every", "99999999h"), "a duration of at most 3650 days (87600h), not 99999999h");
        assertUsageError(add("--every", "1m", "--catch-up", "some"),
                "invalid --catch-up some: expected none, one or all");
        assertUsageError(add("--every", "1m", "--payload", "[1]"), "invalid --payload: expected a JSON object");
        assertUsageError(CliRun.of(NOWHERE, "schedule", "add", "no spaces", "--type", "echo", "--every", "1m"),
                "invalid schedule name \"no spaces\"");
        assertUsageError(CliRun.of(NOWHERE, "schedule", "pause"), "Missing required parameter: 'NAME'");
        assertUsageError(CliRun.of(NOWHERE, "schedule"),
                "taskfork: missing command: add, list, pause, resume, remove or run-now (see taskfork schedule --help)");
    }

    private static CliRun add(String... options) {
        String[] args = new String[options.length + 5];
        System.arraycopy(new String[] {"schedule", "add", "nightly", "--type", "echo"}, 0, args, 0, 5);
        System.arraycopy(options, 0, args, 5, options.length);
        return CliRun.of(NOWHERE, args);
    }

    private static void assertUsageError(CliRun run, String saying) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains(saying).startsWith("taskfork: ");
    }
}
