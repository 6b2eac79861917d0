package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.producer.Await;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code status} with and without an ID, and {@code logs}, on rows set up as a supervisor would leave them. */
class StatusAndLogsIT {

    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final List<String> CONTRACT_COLUMNS = List.of("id", "type", "payload", "status", "attempts",
            "failure_kind", "exit_code", "result", "error", "created_at", "started_at", "finished_at", "worker");
    // README, "status ID": the contract's columns, then these, in this order
    private static final List<String> MORE_COLUMNS = List.of("progress", "progress_message", "cpu_seconds",
            "peak_memory_bytes", "total_cpu_seconds", "run_at", "expires_at", "unique_key", "queue");

    private static IsolatedEnvironment env;

    @BeforeAll
    static void openEnvironment() throws Exception {
        env = IsolatedEnvironment.create(StatusAndLogsIT.class);
    }

    @AfterAll
    static void closeEnvironment() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    @BeforeEach
    void emptyTable() {
        sql("delete from tasks");
    }

    @Test
    void statusWithoutIdCountsEveryStatusThenListsTheNewestTasks() {
        long queued = submit("echo");
        long running = submit("sleep");
        long crashed = submit("crash");
        long failed = submit("fail");
        sql("update tasks set status = 'running', attempts = 1, started_at = now() - interval '3 seconds',"
                + " worker = 'host-a/4242', progress = 40 where id = " + running);
        sql("update tasks set status = 'crashed', attempts = 1, failure_kind = 'signal', exit_code = 134,"
                + " error = 'JVM fatal error: SIGSEGV (0xb)' || chr(10) || 'second line', started_at = now(),"
                + " finished_at = now() + interval '855 milliseconds', worker = 'host-a/4242' where id = " + crashed);
        sql("update tasks set status = 'failed', attempts = 3, failure_kind = 'exception', exit_code = 0,"
                + " error = 'com.example.handlers.Boom$Inner: bad input' || chr(10) || chr(9) || 'at X.y(X.java:1)',"
                + " started_at = now(), finished_at = now(), cpu_seconds = 0.42, peak_memory_bytes = 47185920"
                + " where id = " + failed);

        CliRun run = cli("status");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        List<String> lines = run.outLines();
        assertThat(words(lines.get(0)))
                .containsExactly("scheduled", "queued", "running", "retrying", "succeeded", "failed", "crashed",
                        "cancelled", "expired", "total");
        assertThat(words(lines.get(1))).containsExactly("0", "1", "1", "0", "0", "1", "1", "0", "0", "4");
        assertThat(lines.get(2)).isEmpty();
        assertThat(lines.get(3)).isEqualTo("newest 4 of 4:");
        assertThat(words(lines.get(4))).containsExactly("ID", "TYPE", "STATUS", "ATTEMPTS", "PROGRESS", "AGE",
                "DURATION", "CPU", "PEAK", "WORKER", "FAILURE");
        assertThat(lines).hasSize(9);
        assertThat(lines.get(5)).endsWith("  exception: Boom$Inner: bad input");
        assertThat(words(lines.get(5))).contains("0.42s", "45.0M");
        assertThat(words(lines.get(6))).startsWith(Long.toString(crashed), "crash", "crashed", "1", "-")
                .contains("855ms", "host-a/4242", "signal", "(134):", "SIGSEGV")
                .doesNotContain("second");
        assertThat(words(lines.get(7))).startsWith(Long.toString(running), "sleep", "running", "1", "40%")
                .contains("host-a/4242");
        assertThat(words(lines.get(8))).startsWith(Long.toString(queued), "echo", "queued", "0", "-")
                .endsWith("-", "-", "-", "-", "-");
    }

    @Test
    void statusLimitListsOnlyThatManyOfTheNewest() {
        submit("echo");
        long second = submit("echo");
        long third = submit("echo");

        CliRun run = cli("status", "--limit", "2");

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).contains("newest 2 of 3:").hasSize(7);
        assertThat(run.outLines().subList(5, 7)).extracting(line -> words(line).get(0))
                .containsExactly(Long.toString(third), Long.toString(second));
    }

    @Test
    void statusWithoutIdAsJsonHasEveryCountAndTheNewestRows() {
        long id = submit("echo");

        CliRun run = cli("status", "--json");

        assertThat(run.exitCode()).isZero();
        JsonNode json = Json.parse(run.out());
        assertThat(json.get("counts").size()).isEqualTo(9);
        assertThat(json.get("counts").get("queued").asLong()).isEqualTo(1);
        assertThat(json.get("counts").get("cancelled").asLong()).isZero();
        assertThat(json.get("total").asLong()).isEqualTo(1);
        assertThat(json.get("tasks")).singleElement().satisfies(task -> {
            assertThat(task.get("id").asLong()).isEqualTo(id);
            assertThat(task.get("status").asText()).isEqualTo("queued");
        });
    }

    @Test
    void statusOfOneTaskWithJsonIsTheContractRowEvenOnATerminal() {
        long id = submit("echo");

        CliRun run = CliRun.onTerminals(env.environment(), new Terminals(true, true), "status", Long.toString(id),
                "--json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).hasSize(1);
        JsonNode json = Json.parse(run.out());
        List<String> columns = new ArrayList<>(CONTRACT_COLUMNS);
        columns.addAll(MORE_COLUMNS);
        assertThat(fieldNames(json)).containsExactlyElementsOf(columns);
        assertThat(json.get("id").asLong()).isEqualTo(id);
        assertThat(json.get("payload")).isEqualTo(Json.parse("{\"n\": 1}"));
    }

    @Test
    void statusOfOneTaskOnATerminalIsOneReadableLinePerColumn() {
        long id = submit("fail");
        sql("update tasks set status = 'failed', attempts = 3, failure_kind = 'exception', started_at = now(),"
                + " finished_at = now() + interval '2 seconds', error = 'Boom: bad input' || chr(10) || '\tat X.y(X.java:1)',"
                + " log = 'starting' || chr(10), cpu_seconds = 0.42, peak_memory_bytes = 47185920 where id = " + id);

        CliRun run = CliRun.onTerminals(env.environment(), new Terminals(true, false), "status", Long.toString(id));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).doesNotStartWith("{");
        assertThat(run.outLines()).contains(
                "id                 " + id,
                "status             failed",
                "attempts           3",
                "failure_kind       exception",
                "payload            {\"n\":1}",
                "result             -",
                "cpu_seconds        0.42s",
                "peak_memory_bytes  45.0M (47185920 bytes)",
                "error              Boom: bad input",
                "                       at X.y(X.java:1)",
                "log                1 line, 9 characters: ops/taskfork logs " + id);
        assertThat(run.outLines()).anyMatch(line -> line.matches("finished_at +\\S+Z \\(ran 2\\.0s\\)"));
        assertThat(run.outLines()).anyMatch(line -> line.matches("created_at +\\S+Z \\(\\S+ ago\\)"));
    }

    /** What a task wrote is shown, not acted on by the terminal: an escape could clear the screen. */
    @Test
    void statusOnATerminalWritesTheControlCharactersATaskWroteAsEscapes() {
        long id = submit("fail");
        sql("update tasks set status = 'failed', attempts = 1, failure_kind = 'exception', finished_at = now(),"
                + " error = 'Boom' || chr(27) || '[2J' || chr(13) || 'quiet' where id = " + id);

        CliRun run = CliRun.onTerminals(env.environment(), new Terminals(true, false), "status", Long.toString(id));

        // a carriage return ends a line here, as in the terminal, and writes over nothing
        assertThat(run.outLines()).contains("error              Boom\\u001b[2J", " ".repeat(19) + "quiet");
        assertThat(run.out()).doesNotContain("\u001b").doesNotContain("\r");
    }

    @Test
    void statusOfAScheduledTaskSaysWhenItRunsAndWhenItExpires() {
        long id = submit("echo");
        sql("update tasks set status = 'scheduled', run_at = now() + interval '10 minutes',"
                + " expires_at = now() + interval '1 hour', unique_key = 'nightly' where id = " + id);

        CliRun run = CliRun.onTerminals(env.environment(), new Terminals(true, false), "status", Long.toString(id));

        assertThat(run.outLines()).contains("status             scheduled", "unique_key         nightly");
        assertThat(run.outLines()).anyMatch(line -> line.matches("run_at +\\S+Z \\(in (9m5\\ds|10m00s)\\)"))
                .anyMatch(line -> line.matches("expires_at +\\S+Z \\(in \\S+\\)"));
    }

    @Test
    void statusOfOneTaskThroughAPipeIsJsonAsBefore() {
        long id = submit("echo");

        CliRun run = cli("status", Long.toString(id));

        assertThat(Json.parse(run.out()).get("id").asLong()).isEqualTo(id);
    }

    @Test
    void logsPrintsTheOutputOfAFinishedTask() {
        long id = submit("echo");
        sql("update tasks set status = 'succeeded', log = 'hello' || chr(10) || 'world', finished_at = now()"
                + " where id = " + id);

        CliRun run = cli("logs", Long.toString(id));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("hello\nworld\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void logsOfATaskWithoutOutputSaysSoOnStderrAndExitsZero() {
        long id = submit("echo");

        CliRun run = cli("logs", Long.toString(id));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).containsExactly("taskfork: task " + id + " (queued) has no output yet");
    }

    @Test
    void logsOfAnUnknownTaskExitsOneWithOneLine() {
        CliRun run = cli("logs", "987654321", "--follow");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).containsExactly("taskfork: no task 987654321");
    }

    @Test
    void logsFollowPrintsWhatIsNewUntilTheTaskEnds() throws Exception {
        long id = submit("sleep");
        running(id, 1, "step 1\n");
        Streaming follow = Streaming.start("logs", Long.toString(id), "--follow");

        Await.until(WITHIN, "the first step", () -> follow.out().equals("step 1\n"));
        runningLog(id, "step 1\nstep 2");
        Await.until(WITHIN, "the second step", () -> follow.out().equals("step 1\nstep 2"));
        assertThat(follow.exit()).isNotDone();
        sql("update tasks set status = 'succeeded', log = 'step 1' || chr(10) || 'step 2, done' || chr(10),"
                + " finished_at = now() where id = " + id);

        assertThat(follow.exit().get(WITHIN.toSeconds(), TimeUnit.SECONDS)).isZero();
        assertThat(follow.out()).isEqualTo("step 1\nstep 2, done\n");
    }

    @Test
    void logsFollowMarksANewAttemptAndDoesNotRepeatTheLastOnesOutput() throws Exception {
        long id = submit("fail");
        running(id, 1, "try 1\n");
        Streaming follow = Streaming.start("logs", Long.toString(id), "--follow");
        Await.until(WITHIN, "the first attempt", () -> follow.out().equals("try 1\n"));

        sql("update tasks set status = 'retrying', failure_kind = 'exception', error = 'boom' where id = " + id);
        // claimed again: the row keeps the last attempt's log until the supervisor writes this one's
        running(id, 2, "try 1\n");
        Await.until(WITHIN, "the second attempt's marker", () -> follow.out().contains("--- attempt 2 ---"));
        runningLog(id, "try 2\n");
        Await.until(WITHIN, "the second attempt's output", () -> follow.out().endsWith("try 2\n"));
        sql("update tasks set status = 'failed', finished_at = now() where id = " + id);

        assertThat(follow.exit().get(WITHIN.toSeconds(), TimeUnit.SECONDS)).isZero();
        assertThat(follow.out()).isEqualTo("try 1\n--- attempt 2 ---\ntry 2\n");
    }

    /** A command whose output is read while it runs. */
    private record Streaming(ByteArrayOutputStream stdout, CompletableFuture<Integer> exit) {

        static Streaming start(String... args) {
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> ProducerMain.run(args,
                    env.environment(), InputStream.nullInputStream(),
                    new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err, Terminals.NONE));
            return new Streaming(stdout, exit);
        }

        String out() {
            return stdout.toString(StandardCharsets.UTF_8);
        }
    }

    private static void running(long id, int attempt, String log) {
        env.database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set status = 'running',"
                        + " attempts = :attempt, started_at = now(), failure_kind = null, error = null, log = :log"
                        + " where id = :id")
                .bind("id", id).bind("attempt", attempt).bind("log", log).execute());
    }

    private static void runningLog(long id, String log) {
        env.database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set log = :log where id = :id")
                .bind("id", id).bind("log", log).execute());
    }

    private static long submit(String type) {
        CliRun run = cli("submit", "--type", type, "--payload", "{\"n\": 1}");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return Long.parseLong(run.out().strip());
    }

    private static CliRun cli(String... args) {
        return CliRun.of(env.environment(), args);
    }

    private static void sql(String statement) {
        env.database().jdbi().useHandle(handle -> handle.execute(statement));
    }

    private static List<String> words(String line) {
        return Arrays.asList(line.strip().split("\\s+"));
    }

    private static List<String> fieldNames(JsonNode json) {
        List<String> names = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
