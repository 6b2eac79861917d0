package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.GetResponse;
import io.taskfork.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProducerCliIT {

    private static final Duration SANITY_BOUND = Duration.ofSeconds(60);

    @RegisterExtension
    static final CliEnvironment CLI = new CliEnvironment();

    @Test
    void submitPrintsIdOfQueuedRowAndPublishesItAsPersistentTextMessage() throws Exception {
        CliRun run = cli("submit", "--type", "echo", "--payload", "{\"a\":1}");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).matches("[0-9]+\n");
        long id = Long.parseLong(run.out().strip());
        assertThat(row(id).get("status").asText()).isEqualTo("queued");
        assertThat(row(id).get("payload")).isEqualTo(Json.parse("{\"a\":1}"));
        GetResponse message = CLI.mainQueue().take();
        assertThat(new String(message.getBody(), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(id));
        assertThat(message.getProps().getDeliveryMode()).isEqualTo(2);
        assertThat(message.getProps().getContentType()).isEqualTo("text/plain");
    }

    @Test
    void statusPrintsTheRowAsOneJsonObject() throws Exception {
        long id = submit();

        CliRun run = cli("status", Long.toString(id));

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).hasSize(1);
        JsonNode json = Json.parse(run.out());
        assertThat(json.get("id").asLong()).isEqualTo(id);
        assertThat(json.get("type").asText()).isEqualTo("echo");
        assertThat(json.get("payload")).isEqualTo(Json.parse("{\"k\": \"v\"}"));
        assertThat(json.get("status").asText()).isEqualTo("queued");
        assertThat(json.get("attempts").asInt()).isZero();
        assertThat(json.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*Z");
        assertThat(json.get("finished_at").isNull()).isTrue();
        assertThat(json.get("exit_code").isNull()).isTrue();
    }

    @Test
    void statusOfUnknownTaskExitsOneNamingIt() {
        CliRun run = cli("status", "987654321");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).containsExactly("taskfork: no task 987654321");
    }

    @Test
    void cancelOfAQueuedTaskMakesItCancelledAndExitsZero() throws Exception {
        long id = submit();

        CliRun run = cli("cancel", Long.toString(id));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("task " + id + " cancelled (it was queued)\n");
        assertThat(Json.parse(cli("status", Long.toString(id)).out()).get("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void cancelOfAnEndedTaskExitsOneSayingSo() throws Exception {
        long id = submit();
        finish(id, "succeeded", null, 0);

        CliRun run = cli("cancel", Long.toString(id));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("taskfork: task " + id + " has already ended (succeeded)");
    }

    @Test
    void waitOnSucceededTasksPrintsThemAndExitsZero() throws Exception {
        long first = submit();
        long second = submit();
        finish(first, "succeeded", null, null);
        finish(second, "succeeded", null, null);

        CliRun run = cli("wait", Long.toString(first), Long.toString(second));

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly(first + " succeeded", second + " succeeded");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void waitOnCrashedTaskShowsFailureKindAndExitCodeAndExitsOne() throws Exception {
        long succeeded = submit();
        long crashed = submit();
        finish(succeeded, "succeeded", null, null);
        finish(crashed, "crashed", "signal", 134);

        CliRun run = cli("wait", Long.toString(succeeded), Long.toString(crashed));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines())
                .containsExactly(succeeded + " succeeded", crashed + " crashed failure_kind=signal exit_code=134");
    }

    @Test
    void waitReturnsOnceAPendingTaskBecomesTerminal() throws Exception {
        long id = submit();
        CompletableFuture<CliRun> waiting = CompletableFuture.supplyAsync(() -> cli("wait", Long.toString(id)));

        finish(id, "failed", "exception", null);

        CliRun run = waiting.get(SANITY_BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).containsExactly(id + " failed failure_kind=exception");
    }

    @Test
    void waitTimesOutNamingThePendingTasks() throws Exception {
        long done = submit();
        long pending = submit();
        finish(done, "succeeded", null, null);

        CliRun run = cli("wait", Long.toString(done), Long.toString(pending), "--timeout", "300ms");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).containsExactly(done + " succeeded");
        assertThat(run.errLines()).containsExactly("taskfork: timed out after 300ms; still pending: "
                + pending + " (queued)");
    }

    @Test
    void waitOnUnknownTaskExitsOneNamingIt() throws Exception {
        long id = submit();

        CliRun run = cli("wait", Long.toString(id), "987654321");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("taskfork: no task 987654321");
    }

    @Test
    void unreachableBrokerFailsWithOneLineAndNoRow() {
        CliRun run = cli("submit", "--type", "echo", "--amqp-uri", "amqp://guest:guest@127.0.0.1:1/%2F");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("taskfork: cannot connect to the broker at amqp://guest:****@127.0.0.1:1/%2F: ");
        assertThat(CLI.rowCount()).isZero();
    }

    @Test
    void unreachableDatabaseFailsWithOneLine() {
        CliRun run = cli("status", "1", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/postgres");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("taskfork: cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/postgres");
    }

    @Test
    void badQueueNameIsUsageErrorNamingItsVariable() {
        CliRun run = cli("submit", "--type", "echo", "--queue", "bad name!");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("TASKFORK_QUEUE");
        assertThat(CLI.rowCount()).isZero();
    }

    private static CliRun cli(String... args) {
        return CliRun.of(CLI.env().environment(), args);
    }

    private static long submit() {
        CliRun run = cli("submit", "--type", "echo", "--payload", "{\"k\": \"v\"}");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return Long.parseLong(run.out().strip());
    }

    private static void finish(long id, String status, String failureKind, Integer exitCode) {
        CLI.env().database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set status = :status,"
                        + " failure_kind = :failureKind, exit_code = :exitCode, finished_at = now() where id = :id")
                .bind("id", id)
                .bind("status", status)
                .bind("failureKind", failureKind)
                .bind("exitCode", exitCode)
                .execute());
    }

    private static JsonNode row(long id) {
        return Json.parse(cli("status", Long.toString(id)).out());
    }

}
