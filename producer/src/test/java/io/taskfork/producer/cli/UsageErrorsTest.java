package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bad usage exits 2 with one line on stderr, before anything is opened: the services named here
 * do not exist, so a command that tried to connect would fail with exit 1 instead.
 */
class UsageErrorsTest {

    private static final Map<String, String> NOWHERE = Map.of(
            "TASKFORK_AMQP_URI", "amqp://guest:guest@127.0.0.1:1/%2F",
            "TASKFORK_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/postgres");

    @Test
    void unknownOptionIsUsageErrorOnOneLine() {
        CliRun run = CliRun.of(NOWHERE, "submit", "--type", "echo", "--bogus");

        assertUsageError(run, "taskfork: Unknown option: '--bogus' (see taskfork submit --help)");
    }

    /** Its value would otherwise be read as the next parameter, and refused as a task ID. */
    @Test
    void anUnknownOptionWithAValueIsNamedRatherThanItsValue() {
        CliRun run = CliRun.of(NOWHERE, "status", "--task-timeout", "5m");

        assertUsageError(run, "taskfork: Unknown option: '--task-timeout' (see taskfork status --help)");
    }

    @Test
    void missingTypeIsUsageError() {
        CliRun run = CliRun.of(NOWHERE, "submit");

        assertUsageError(run, "taskfork: Missing required option: '--type=TYPE' (see taskfork submit --help)");
    }

    @Test
    void payloadThatIsNotJsonIsUsageError() {
        CliRun run = CliRun.of(NOWHERE, "submit", "--type", "echo", "--payload", "{\"a\":");

        assertUsageError(run, null);
        assertThat(run.err()).startsWith("taskfork: invalid --payload: bad JSON: ");
    }

    @Test
    void payloadThatIsNotAnObjectIsUsageError() {
        CliRun run = CliRun.of(NOWHERE, "submit", "--type", "echo", "--payload", "[1, 2]");

        assertUsageError(run, "taskfork: invalid --payload: expected a JSON object, not an array"
                + " (see taskfork submit --help)");
    }

    @Test
    void badTimingOptionsAreUsageErrorsOnOneLine() {
        assertUsageErrorSaying(CliRun.of(NOWHERE, "submit", "--type", "echo", "--delay", "soon"), "--delay");
        assertUsageErrorSaying(CliRun.of(NOWHERE, "submit", "--type", "echo", "--delay", "1m", "--at",
                "2026-12-01T09:00:00Z"), "mutually exclusive");
        assertUsageErrorSaying(CliRun.of(NOWHERE, "submit", "--type", "echo", "--at", "tomorrow"),
                "--at': expected an ISO-8601 time with seconds and an offset, such as 2026-12-01T09:00:00Z or"
                        + " 2026-12-01T10:00:00+01:00, not 'tomorrow'");
        assertUsageErrorSaying(CliRun.of(NOWHERE, "submit", "--type", "echo", "--delay", "1h", "--expires", "10m"),
                "would expire");
        assertUsageErrorSaying(CliRun.of(NOWHERE, "submit", "--type", "echo", "--delay", "PT-5S"),
                "a duration is never negative, not PT-5S");
        assertUsageErrorSaying(CliRun.of(NOWHERE, "submit", "--type", "echo", "--expires", "-PT1H"),
                "a duration is never negative, not -PT1H");
        assertUsageErrorSaying(CliRun.of(NOWHERE, "submit", "--type", "echo", "--expires", "0s"),
                "--expires 0s: it would expire as it is made");
        assertUsageErrorSaying(CliRun.of(NOWHERE, "submit", "--type", "echo", "--at", "+999999999-12-31T23:59:59Z"),
                "it would run at +999999999-12-31T23:59:59Z, out of the range of times a task can have");
        assertUsageErrorSaying(CliRun.of(NOWHERE, "submit", "--type", "echo", "--delay", "100000000h"),
                "a duration of at most 3650 days (87600h), not 100000000h");
        assertUsageErrorSaying(CliRun.of(NOWHERE, "submit", "--type", "echo", "--queue", "amq.tasks"), "RabbitMQ's own");
        assertUsageErrorSaying(CliRun.of(NOWHERE, "submit", "--type", "echo", "--max-attempts", "0"), "--max-attempts");
        assertUsageErrorSaying(CliRun.of(NOWHERE, "submit", "--type", "echo", "--unique-key", ""), "unique key");
        assertUsageErrorSaying(CliRun.of(NOWHERE, "submit", "--type", "echo", "--unique-key", "a\nb"),
                "control character");
    }

    @Test
    void aTaskIdThatIsNoWholeNumberIsAUsageErrorSayingWhatOneIs() {
        for (List<String> command : List.of(List.of("status", "abc"), List.of("logs", "x1"), List.of("cancel", "0"),
                List.of("wait", "1", "two"), List.of("dlq", "show", "abc"), List.of("dlq", "replay", "5", "abc"))) {
            CliRun run = CliRun.of(NOWHERE, command.toArray(String[]::new));
            assertUsageError(run, null);
            // picocli's "Invalid value for positional parameter at index 0 (ID): " says nothing more
            assertThat(run.err()).as(String.join(" ", command))
                    .startsWith("taskfork: a task ID is a whole number from 1 up, not '").doesNotContain("long");
        }
        assertUsageErrorSaying(CliRun.of(NOWHERE, "status", "99999999999999999999"),
                "a task ID is at most 9223372036854775807, not '99999999999999999999'");
    }

    @Test
    void wordsLeftOverAreNamedAndAnUnknownSubcommandIsOne() {
        assertUsageError(CliRun.of(NOWHERE, "cancel", "1", "2"),
                "taskfork: unexpected argument '2' (see taskfork cancel --help)");
        assertUsageError(CliRun.of(NOWHERE, "status", "1", "2", "3"),
                "taskfork: unexpected arguments '2' '3' (see taskfork status --help)");
        assertUsageError(CliRun.of(NOWHERE, "dlq", "bogus", "x"),
                "taskfork: unknown command 'bogus' (see taskfork dlq --help)");
        assertUsageError(CliRun.of(NOWHERE, "dlq", "lst"),
                "taskfork: unknown command 'lst'; did you mean list? (see taskfork dlq --help)");
    }

    private static void assertUsageErrorSaying(CliRun run, String saying) {
        assertUsageError(run, null);
        assertThat(run.err()).contains(saying);
    }

    @Test
    void typeWithSpacesIsUsageError() {
        CliRun run = CliRun.of(NOWHERE, "submit", "--type", "two words");

        assertUsageError(run, null);
        assertThat(run.err()).startsWith("taskfork: invalid --type \"two words\"");
    }

    @Test
    void taskIdThatIsNotANumberIsUsageError() {
        CliRun run = CliRun.of(NOWHERE, "status", "abc");

        assertUsageError(run, null);
        assertThat(run.err()).contains("a task ID is a whole number from 1 up, not 'abc'")
                .endsWith("(see taskfork status --help)\n");
    }

    @Test
    void waitWithoutIdsIsUsageError() {
        CliRun run = CliRun.of(NOWHERE, "wait");

        assertUsageError(run, null);
        assertThat(run.err()).startsWith("taskfork: Missing required parameter");
    }

    @Test
    void unparseableTimeoutIsUsageError() {
        CliRun run = CliRun.of(NOWHERE, "wait", "1", "--timeout", "soon");

        assertUsageError(run, "taskfork: Invalid value for option '--timeout': expected a duration such as"
                + " 500ms, 30s, 10m or 1h (see taskfork wait --help)");
    }

    @Test
    void aTimeoutLongerThanTenYearsIsUsageError() {
        CliRun run = CliRun.of(NOWHERE, "wait", "1", "--timeout", "99999999h");

        assertUsageError(run, "taskfork: Invalid value for option '--timeout': a duration of at most 3650 days"
                + " (87600h), not 99999999h (see taskfork wait --help)");
    }

    @Test
    void missingCommandIsUsageError() {
        CliRun run = CliRun.of(NOWHERE);

        assertUsageError(run, "taskfork: missing command: submit, enqueue, status, logs, wait, cancel, demo, dlq, audit, schedule"
                + " or serve (see taskfork --help)");
    }

    @Test
    void misspelledCommandIsUsageErrorWithSuggestion() {
        CliRun run = CliRun.of(NOWHERE, "submitt", "--type", "echo");

        assertUsageError(run, null);
        assertThat(run.err()).contains("did you mean submit");
    }

    @Test
    void missingInputFileIsUsageError() {
        CliRun run = CliRun.of(NOWHERE, "enqueue", "/no/such/file.jsonl");

        assertUsageError(run, "taskfork: no such file: /no/such/file.jsonl (see taskfork enqueue --help)");
    }

    @Test
    void badQueueFlagIsUsageErrorNamingItsVariable() {
        CliRun run = CliRun.of(NOWHERE, "submit", "--type", "echo", "--queue", "bad name!");

        assertUsageError(run, null);
        assertThat(run.err()).startsWith("taskfork: invalid --queue (TASKFORK_QUEUE) \"bad name!\"");
    }

    @Test
    void badVariableIsUsageErrorNamingIt() {
        Map<String, String> environment = Map.of("TASKFORK_DB_SCHEMA", "Not-A-Schema");

        CliRun run = CliRun.of(environment, "status", "1");

        assertUsageError(run, null);
        assertThat(run.err()).startsWith("taskfork: invalid TASKFORK_DB_SCHEMA \"Not-A-Schema\"");
    }

    @Test
    void badLogFormatIsUsageErrorNamingItsVariable() {
        CliRun run = CliRun.of(Map.of("TASKFORK_LOG_FORMAT", "xml"), "logs", "1");

        assertUsageError(run, "taskfork: invalid TASKFORK_LOG_FORMAT \"xml\": expected text or json");
    }

    @Test
    void limitOfTheOverviewWithATaskIdIsUsageError() {
        CliRun run = CliRun.of(NOWHERE, "status", "1", "--limit", "5");

        assertUsageError(run, "taskfork: --limit is for the overview, not for one task (see taskfork status --help)");
    }

    @Test
    void limitOutOfRangeIsUsageError() {
        CliRun run = CliRun.of(NOWHERE, "status", "--limit", "0");

        assertUsageError(run, "taskfork: --limit must be from 1 to 1000 (see taskfork status --help)");
    }

    @Test
    void serveOnANonLoopbackAddressWithoutATokenIsRefusedOnOneLine() {
        for (String bind : new String[] {"0.0.0.0", "192.0.2.7", "::"}) {
            Map<String, String> environment = new java.util.HashMap<>(NOWHERE);
            environment.put("TASKFORK_HTTP_BIND", bind);

            CliRun run = CliRun.of(environment, "serve");

            assertUsageError(run, "taskfork: refusing to serve on " + bind + " without a token: any address but a"
                    + " loopback one needs TASKFORK_HTTP_TOKEN (or set TASKFORK_HTTP_BIND=127.0.0.1)");
        }
    }

    @Test
    void serveOnAnAddressThatIsNotThisHostsOrDoesNotResolveIsRefusedOnOneLine() {
        Map<String, String> environment = new java.util.HashMap<>(NOWHERE);
        environment.put("TASKFORK_HTTP_TOKEN", "full-secret-0123456789abcdef");
        environment.put("TASKFORK_HTTP_PORT", "19451");

        environment.put("TASKFORK_HTTP_BIND", "10.255.255.1");
        assertUsageError(CliRun.of(environment, "serve"),
                "taskfork: TASKFORK_HTTP_BIND 10.255.255.1 is not an address of this host");
        environment.put("TASKFORK_HTTP_BIND", "nosuchhost.invalid");
        String unresolved = "taskfork: cannot resolve TASKFORK_HTTP_BIND nosuchhost.invalid";
        assertUsageError(CliRun.of(environment, "serve"), unresolved);
        environment.remove("TASKFORK_HTTP_TOKEN");
        assertUsageError(CliRun.of(environment, "serve"), unresolved);
        assertUsageError(CliRun.of(environment, "serve", "--http-bind", "nosuchhost.invalid"),
                "taskfork: cannot resolve --http-bind (TASKFORK_HTTP_BIND) nosuchhost.invalid");
    }

    @Test
    void serveRefusesAReadOnlyTokenWithoutAFullOneAndNeverPrintsIt() {
        Map<String, String> environment = new java.util.HashMap<>(NOWHERE);
        environment.put("TASKFORK_HTTP_READONLY_TOKEN", "read-only-secret-0123456789");

        CliRun run = CliRun.of(environment, "serve");

        assertUsageError(run, null);
        assertThat(run.err()).startsWith("taskfork: invalid TASKFORK_HTTP_READONLY_TOKEN \"****\": a read-only token"
                + " needs TASKFORK_HTTP_TOKEN too").doesNotContain("read-only-secret");
    }

    @Test
    void logsWithoutIdIsUsageError() {
        CliRun run = CliRun.of(NOWHERE, "logs", "--follow");

        assertUsageError(run, null);
        assertThat(run.err()).startsWith("taskfork: Missing required parameter: 'ID'");
    }

    @Test
    void helpPrintsUsageOnStdoutAndExitsZero() {
        CliRun run = CliRun.of(NOWHERE, "submit", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--type=TYPE", "--payload=JSON", "--queue=<value>", "TASKFORK_QUEUE");
        assertThat(run.err()).isEmpty();
    }

    private static void assertUsageError(CliRun run, String expectedLine) {
        assertThat(run.exitCode()).as("exit code").isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).as("stdout").isEmpty();
        assertThat(run.errLines()).as("stderr").hasSize(1);
        if (expectedLine != null) {
            assertThat(run.errLines()).containsExactly(expectedLine);
        }
    }
}
