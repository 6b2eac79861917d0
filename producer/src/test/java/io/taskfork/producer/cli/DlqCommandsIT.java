package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.GetResponse;
import io.taskfork.producer.Await;
import io.taskfork.producer.QueueProbe;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.TestServices;
import io.taskfork.shared.topology.Topology;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DlqCommandsIT {

    private static final String JSON_BODY = "{\"type\": \"echo\", \"payload\": {\"from\": \"a script\"}}";

    private static IsolatedEnvironment env;
    private static QueueProbe mainQueue;
    private static QueueProbe deadQueue;
    private static DeadLetterFixture fixture;

    @BeforeAll
    static void openEnvironment() throws Exception {
        env = IsolatedEnvironment.create(DlqCommandsIT.class);
        Topology.declare(env.connection(), env.queues());
        mainQueue = new QueueProbe(env.connection(), env.queues().main());
        deadQueue = new QueueProbe(env.connection(), env.queues().dead());
        fixture = new DeadLetterFixture(env);
    }

    @AfterAll
    static void closeEnvironment() throws Exception {
        if (env != null) {
            fixture.close();
            mainQueue.close();
            deadQueue.close();
            env.close();
        }
    }

    @BeforeEach
    void emptyQueuesAndTables() throws Exception {
        mainQueue.purge();
        deadQueue.purge();
        env.database().jdbi().useHandle(handle -> {
            handle.execute("delete from tasks");
            handle.execute("delete from workers");
        });
    }

    @Test
    void listShowsEachDeadLetterWithItsTaskReasonAndDetail() throws Exception {
        long crashed = fixture.endedTask("crash", DeadLetterReason.SIGNAL, "JVM fatal error: SIGSEGV (0xb)");
        fixture.malformed("hello, taskfork");
        fixture.jsonWithoutRow("order-4711", JSON_BODY);
        long running = fixture.runningTaskDeadAtBrokerLimit();

        Map<String, String> wide = new HashMap<>(env.environment());
        wide.put("COLUMNS", "300");
        CliRun run = CliRun.of(wide, "dlq", "list");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(6);
        assertThat(run.outLines().get(0)).matches("task +type +status +reason +dead at +detail");
        assertThat(lineOf(run, crashed + " ")).matches(" *" + crashed + " +crash +crashed +signal"
                + " +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +JVM fatal error: SIGSEGV \\(0xb\\)");
        assertThat(lineOf(run, "malformed")).matches(" *- +- +- +malformed +- +body is neither a task ID.*");
        assertThat(lineOf(run, "echo")).matches(" *- +echo +- +delivery-limit +- +delivered 10 times.*");
        assertThat(lineOf(run, running + " ")).matches(" *" + running + " +sleep +running +delivery-limit"
                + " +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +the broker dead-lettered it from "
                + env.queues().main().replace(".", "\\.") + " at the queue's delivery limit.*");
        assertThat(run.outLines().get(5)).isEqualTo("4 messages in " + env.queues().dead());
    }

    @Test
    void listTwiceShowsTheSameMessagesAndTakesNone() throws Exception {
        fixture.endedTask("crash", DeadLetterReason.OOM, "ran out of memory");
        fixture.endedTask("fail", DeadLetterReason.EXCEPTION, "bad input");
        fixture.malformed("not a task");

        CliRun first = cli("dlq", "list");
        CliRun second = cli("dlq", "list");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(first.outLines()).last().isEqualTo("3 messages in " + env.queues().dead());
        deadQueue.awaitCount(3);
        // ready and unacknowledged alike: the list holds nothing once it has ended
        awaitMessagesIn(env.queues().dead(), 3);
        assertThat(mainQueue.count()).isZero();
    }

    @Test
    void listingMoreOftenThanAnyDeliveryLimitLosesNothing() throws Exception {
        long id = fixture.endedTask("crash", DeadLetterReason.TIMEOUT, "killed after 5s");
        fixture.malformed("still here");
        String before = cli("dlq", "list").out();

        for (int i = 0; i < Topology.DELIVERY_LIMIT + 2; i++) {
            assertThat(cli("dlq", "list").exitCode()).isZero();
        }

        assertThat(cli("dlq", "list").out()).isEqualTo(before);
        deadQueue.awaitCount(2);
        GetResponse message = deadQueue.take();
        assertThat(new String(message.getBody(), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(id));
        assertThat(((Number) message.getProps().getHeaders().get("x-delivery-count")).longValue())
                .as("worn messages are replaced by fresh copies").isLessThan(Topology.DELIVERY_LIMIT);
    }

    @Test
    void listJsonPrintsOneObjectPerMessage() throws Exception {
        long id = fixture.endedTask("crash", DeadLetterReason.EXIT, "called System.exit(3) without a result");
        fixture.jsonWithoutRow("order-1", JSON_BODY);

        CliRun run = cli("dlq", "list", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(2);
        JsonNode task = Json.parse(run.outLines().get(0));
        assertThat(task.get("task_id").asLong()).isEqualTo(id);
        assertThat(task.get("type").asText()).isEqualTo("crash");
        assertThat(task.get("status").asText()).isEqualTo("crashed");
        assertThat(task.get("reason").asText()).isEqualTo("exit");
        assertThat(task.get("detail").asText()).isEqualTo("called System.exit(3) without a result");
        assertThat(task.get("dead_at").asText()).endsWith("Z");
        JsonNode json = Json.parse(run.outLines().get(1));
        assertThat(json.get("task_id").isNull()).isTrue();
        assertThat(json.get("type").asText()).isEqualTo("echo");
        assertThat(json.get("message_id").asText()).isEqualTo("order-1");
        assertThat(json.get("body").asText()).isEqualTo(JSON_BODY);
    }

    @Test
    void listOfAnEmptyQueueSaysSoAndExitsZero() {
        CliRun run = cli("dlq", "list");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("the dead-letter queue " + env.queues().dead() + " is empty\n");
    }

    @Test
    void showPrintsTheDeadLetterWholeAndTheRowWithTheTailOfItsLog() throws Exception {
        long id = fixture.endedTask("crash", DeadLetterReason.SIGNAL, "JVM fatal error: SIGSEGV (0xb)");
        fixture.malformed("other");

        CliRun run = cli("dlq", "show", Long.toString(id));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines().get(0)).isEqualTo("task " + id + ": 1 dead letter in " + env.queues().dead());
        assertThat(run.out())
                .contains("  reason            signal\n")
                .contains("  properties        content_type=text/plain, delivery_mode=2, message_id=task-" + id + "\n")
                .contains("    x-taskfork-reason: signal\n")
                .contains("    x-taskfork-task-id: " + id + "\n")
                .contains("  body (" + Long.toString(id).length() + " bytes)\n    " + id + "\n")
                .contains("row of task " + id + "\n")
                .contains("  status            crashed\n")
                .contains("  attempts          1\n")
                .contains("  exit_code         134\n")
                .contains("  error\n    JVM fatal error: SIGSEGV (0xb)\n")
                .endsWith("  log (3 lines)\n    first line\n    second line\n    last line\n");
        deadQueue.awaitCount(2);
    }

    /** What a task wrote is shown, not acted on by the terminal: an escape could clear the screen. */
    @Test
    void showWritesTheControlCharactersATaskWroteAsEscapes() throws Exception {
        long id = fixture.endedTask("crash", DeadLetterReason.EXCEPTION, "Boom\u001b[2J\u001b]0;owned\u0007");

        CliRun run = cli("dlq", "show", Long.toString(id));

        assertThat(run.out()).contains("  error\n    Boom\\u001b[2J\\u001b]0;owned\\u0007\n")
                .doesNotContain("\u001b");
        deadQueue.awaitCount(1);
    }

    @Test
    void showOfATaskWithoutDeadLetterExitsOneInOneLine() throws Exception {
        fixture.malformed("x");

        CliRun run = cli("dlq", "show", "987654321");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).containsExactly("taskfork: no dead letter of task 987654321 in "
                + env.queues().dead());
    }

    @Test
    void replayByIdQueuesTheTaskAgainAndMovesItsMessageToTheMainQueue() throws Exception {
        long id = fixture.endedTask("crash", DeadLetterReason.SIGNAL, "JVM fatal error: SIGSEGV (0xb)");
        env.database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set result = '{\"partial\": 1}',"
                + " progress = 40, progress_message = 'stuck' where id = :id").bind("id", id).execute());
        fixture.malformed("stays");

        CliRun run = cli("dlq", "replay", Long.toString(id));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).containsExactly("task " + id + " replayed: queued again (it was crashed,"
                + " dead as signal)");
        assertThat(run.errLines()).containsExactly("replayed 1 dead letter");
        JsonNode row = row(id);
        assertThat(row.get("status").asText()).isEqualTo("queued");
        assertThat(row.get("attempts").asInt()).isZero();
        for (String cleared : List.of("failure_kind", "exit_code", "error", "result", "finished_at", "started_at",
                "worker")) {
            assertThat(row.get(cleared).isNull()).as(cleared).isTrue();
        }
        assertThat(deadLetteredAt(id)).isNull();
        boolean cleared = env.database().jdbi().withHandle(handle -> handle.createQuery("select log is null"
                + " and result is null and progress is null and progress_message is null from tasks where id = :id")
                .bind("id", id).mapTo(Boolean.class).one());
        assertThat(cleared).as("log, result and progress cleared").isTrue();
        GetResponse published = mainQueue.take();
        assertThat(new String(published.getBody(), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(id));
        assertThat(WireFormat.schemaOf(published.getProps().getHeaders())).isEqualTo(env.database().schema());
        awaitMessagesIn(env.queues().dead(), 1);
    }

    @Test
    void replayByReasonTakesOnlyTheDeadLettersOfThatReason() throws Exception {
        long timedOut = fixture.endedTask("crash", DeadLetterReason.TIMEOUT, "killed after 5s");
        long segv = fixture.endedTask("crash", DeadLetterReason.SIGNAL, "SIGSEGV");

        CliRun run = cli("dlq", "replay", "--reason", "timeout");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).singleElement().asString().startsWith("task " + timedOut + " replayed");
        assertThat(row(timedOut).get("status").asText()).isEqualTo("queued");
        assertThat(row(segv).get("status").asText()).isEqualTo("crashed");
        assertThat(mainQueue.takeBodies(1)).containsExactly(Long.toString(timedOut));
        deadQueue.awaitCount(1);
    }

    @Test
    void replayOfAMalformedMessageIsRefusedAndItStays() throws Exception {
        fixture.malformed("hello, taskfork");

        CliRun run = cli("dlq", "replay", "--all");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).containsExactly(
                "message \"hello, taskfork\" not replayed: it names no task and is no JSON task (malformed: body is"
                        + " neither a task ID in ASCII decimal nor a JSON object: \"hello, taskfork\"); it stays in "
                        + env.queues().dead(),
                "replayed 0 dead letters; 1 dead letter not replayable, left in " + env.queues().dead());
        deadQueue.awaitCount(1);
        assertThat(mainQueue.count()).isZero();
    }

    @Test
    void replayOfAJsonMessageWithoutRowPublishesItAsItWas() throws Exception {
        fixture.jsonWithoutRow("order-4711", JSON_BODY);

        CliRun run = cli("dlq", "replay", "--reason", "delivery-limit");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).containsExactly("message order-4711 of type echo replayed as it was published"
                + " (it was dead as delivery-limit)");
        GetResponse message = mainQueue.take();
        assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).isEqualTo(JSON_BODY);
        assertThat(message.getProps().getMessageId()).isEqualTo("order-4711");
        assertThat(message.getProps().getContentType()).isEqualTo("application/json");
        Map<String, Object> headers = message.getProps().getHeaders();
        assertThat(headers).containsKey("x-trace")
                .doesNotContainKeys("x-taskfork-reason", "x-taskfork-detail", "x-death",
                        // else a supervisor would dead-letter it again at once, at the delivery limit
                        WireFormat.PRIOR_DELIVERIES_HEADER);
        // the main queue's own count, not the one copied from the message's first life
        assertThat(((Number) headers.getOrDefault("x-delivery-count", 0L)).longValue()).isZero();
        deadQueue.awaitCount(0);
    }

    /** Its message_id names the task another message made: it is not that task's letter, nor replayed. */
    @Test
    void aJsonMessageDeadAsMalformedForAReusedMessageIdIsNotTakenForThatTasksAndStays() throws Exception {
        long other = fixture.reusedMessageId("order-4714", "{\"type\": \"echo\", \"payload\": {\"second\": 2}}");

        CliRun list = cli("dlq", "list");
        CliRun replay = cli("dlq", "replay", "--all");

        assertThat(lineOf(list, "malformed")).as(list.out()).matches(" *- +echo +- +malformed .*");
        assertThat(replay.exitCode()).as(replay.err()).isOne();
        assertThat(replay.errLines().get(0)).isEqualTo("message order-4714 not replayed: a supervisor would"
                + " dead-letter it again (malformed: its message_id order-4714 made task " + other + " from another"
                + " message, of type echo: this one, of another type or payload, needs a message_id of its own); it"
                + " stays in " + env.queues().dead());
        assertThat(new TaskStore(env.database()).find(other).orElseThrow().status()).isEqualTo(TaskStatus.FAILED);
        assertThat(mainQueue.count()).isZero();
        deadQueue.awaitCount(1);
    }

    @Test
    void aDeadLetterOfAnotherSchemasTaskIsNoLetterOfTheTaskWithItsIdHereAndIsNotReplayed() throws Exception {
        long id = fixture.endedTaskAndAnotherSchemasOfTheSameId();

        CliRun list = cli("dlq", "list");
        CliRun replay = cli("dlq", "replay", "--all");

        assertThat(lineOf(list, " oom ")).as(list.out()).matches(" *- +- +- +oom .*");
        assertThat(lineOf(list, "exception")).as(list.out()).matches(" *" + id + " +echo +failed +exception .*");
        assertThat(replay.outLines()).singleElement().asString().startsWith("task " + id + " replayed");
        assertThat(replay.errLines()).first().isEqualTo("message task-" + id + " not replayed: it names a task of"
                + " schema another_installation, not of " + env.database().schema() + "; replay it with that"
                + " schema; it stays in " + env.queues().dead());
        assertThat(replay.exitCode()).isOne();
        assertThat(row(id).get("status").asText()).isEqualTo("queued");
        assertThat(mainQueue.count()).isOne();
        deadQueue.awaitCount(1);
    }

    @Test
    void aJsonMessageNamingAnotherQueueIsNotReplayedHereAndStays() throws Exception {
        fixture.jsonWithoutRow("order-4712", "{\"type\": \"echo\", \"payload\": {}, \"queue\": \"other.queue\"}");

        CliRun run = cli("dlq", "replay", "--reason", "delivery-limit");

        assertThat(run.exitCode()).isOne();
        assertThat(run.errLines().get(0)).isEqualTo("message order-4712 not replayed: its \"queue\" names"
                + " other.queue, not " + env.queues().main() + "; publish it to other.queue; it stays in "
                + env.queues().dead());
        assertThat(mainQueue.count()).isZero();
        deadQueue.awaitCount(1);
    }

    @Test
    void replayOfARowLeftRunningByTheBrokersDeliveryLimitQueuesItAgain() throws Exception {
        long id = fixture.runningTaskDeadAtBrokerLimit();

        CliRun run = cli("dlq", "replay", Long.toString(id));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).containsExactly("task " + id + " replayed: queued again (it was running,"
                + " dead as delivery-limit)");
        assertThat(row(id).get("status").asText()).isEqualTo("queued");
        assertThat(row(id).get("attempts").asInt()).isZero();
        assertThat(mainQueue.takeBodies(1)).containsExactly(Long.toString(id));
        deadQueue.awaitCount(0);
    }

    @Test
    void replayOfATaskRunningOnALiveSupervisorIsRefused() throws Exception {
        long id = fixture.runningTaskOnLiveSupervisor();

        CliRun run = cli("dlq", "replay", Long.toString(id));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines().get(0)).isEqualTo("task " + id + " not replayed: task " + id
                + " is running now on live-host/7; replay it once it has ended; its dead letter stays in "
                + env.queues().dead());
        assertThat(row(id).get("status").asText()).isEqualTo("running");
        deadQueue.awaitCount(1);
        assertThat(mainQueue.count()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"succeeded", "cancelled", "retrying", "missing"})
    void replayOfATaskThatSucceededWasCancelledIsRetryingOrIsGoneIsRefusedWithExitOneAndItsDeadLetterStays(
            String now) throws Exception {
        long id = fixture.endedTask("crash", DeadLetterReason.SIGNAL, "SIGSEGV");
        env.database().jdbi().useHandle(handle -> {
            if (now.equals("missing")) {
                handle.createUpdate("delete from tasks where id = :id").bind("id", id).execute();
            } else {
                handle.createUpdate("update tasks set status = :status where id = :id")
                        .bind("status", now).bind("id", id).execute();
            }
        });

        CliRun run = cli("dlq", "replay", Long.toString(id));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSize(2);
        assertThat(run.errLines().get(0)).startsWith("task " + id + " not replayed: ")
                .endsWith("; its dead letter stays in " + env.queues().dead());
        assertThat(run.errLines().get(1)).isEqualTo("replayed 0 dead letters; 1 dead letter not replayable, left in "
                + env.queues().dead());
        assertThat(statusOf(id)).isEqualTo(now.equals("missing") ? null : now);
        deadQueue.awaitCount(1);
        assertThat(mainQueue.count()).isZero();
    }

    @Test
    void replayRemovesEveryDeadLetterOfATaskAndPublishesItOnce() throws Exception {
        long id = fixture.endedTask("crash", DeadLetterReason.OOM, "ran out of memory");
        fixture.duplicate(id, DeadLetterReason.OOM);

        CliRun run = cli("dlq", "replay", Long.toString(id));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(2).last().isEqualTo("task " + id + ": another dead letter of it removed");
        deadQueue.awaitCount(0);
        mainQueue.awaitCount(1);
    }

    @Test
    void replayOfAnIdWithoutDeadLetterExitsOne() throws Exception {
        long id = fixture.endedTask("crash", DeadLetterReason.OOM, "ran out of memory");

        CliRun run = cli("dlq", "replay", "987654321");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("task 987654321: no dead letter in " + env.queues().dead(),
                "replayed 0 dead letters; 1 task with no dead letter");
        assertThat(row(id).get("status").asText()).isEqualTo("crashed");
        deadQueue.awaitCount(1);
    }

    @Test
    void purgeWithYesEmptiesTheQueueAndLeavesTheRows() throws Exception {
        long id = fixture.endedTask("crash", DeadLetterReason.OOM, "ran out of memory");
        fixture.malformed("gone soon");
        deadQueue.awaitCount(2);

        CliRun run = cli("dlq", "purge", "--yes");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("purged 2 messages from " + env.queues().dead()
                + "; task rows are left as they are\n");
        deadQueue.awaitCount(0);
        assertThat(row(id).get("status").asText()).isEqualTo("crashed");
    }

    @Test
    void purgeWithoutATerminalOrYesIsUsageErrorAndPurgesNothing() throws Exception {
        fixture.malformed("kept");

        CliRun run = cli("dlq", "purge");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("taskfork: no terminal to ask on; pass --yes to purge"
                + " (see taskfork dlq purge --help)");
        deadQueue.awaitCount(1);
    }

    private static CliRun cli(String... args) {
        return CliRun.of(env.environment(), args);
    }

    private static String lineOf(CliRun run, String containing) {
        return run.outLines().stream().filter(line -> line.contains(containing)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + containing + "' in:\n" + run.out()));
    }

    private static JsonNode row(long id) {
        return Json.parse(cli("status", Long.toString(id)).out());
    }

    private static String statusOf(long id) {
        return env.database().jdbi().withHandle(handle -> handle
                .createQuery("select status from tasks where id = :id")
                .bind("id", id)
                .mapTo(String.class)
                .findOne()
                .orElse(null));
    }

    private static OffsetDateTime deadLetteredAt(long id) {
        return env.database().jdbi().withHandle(handle -> handle
                .createQuery("select dead_lettered_at from tasks where id = :id")
                .bind("id", id)
                .mapTo(OffsetDateTime.class)
                .findOne()
                .orElse(null));
    }

    /** The broker's own count of ready and unacknowledged messages, which it refreshes every few seconds. */
    private static void awaitMessagesIn(String queue, long expected) throws InterruptedException {
        Await.until(Duration.ofSeconds(15), queue + " holds " + expected + " messages, held ones included", () -> {
            try {
                return TestServices.get().messagesIn(queue) == expected;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }
}
