package io.taskfork.producer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import io.taskfork.producer.QueueProbe;
import io.taskfork.producer.TaskPublisher;
import io.taskfork.producer.cli.DeadLetterFixture;
import io.taskfork.producer.queue.Queues;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.WireFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dead-letter endpoints, retry and the overview, against the real database and broker. */
class DeadLettersApiIT {

    private static final String TOKEN = "full-token-for-the-dead-letters-it";
    private static final String READ_ONLY = "read-only-token-for-the-dead-letters-it";

    private static ApiFixture api;
    private static IsolatedEnvironment env;
    private static TaskStore store;
    private static TaskPublisher publisher;
    private static HttpCalls http;
    private static DeadLetterFixture fixture;
    private static QueueProbe mainQueue;
    private static QueueProbe deadQueue;

    @BeforeAll
    static void start() throws Exception {
        api = ApiFixture.start(DeadLettersApiIT.class, TOKEN, READ_ONLY);
        env = api.env();
        store = api.store();
        publisher = api.publisher();
        http = api.http();
        fixture = new DeadLetterFixture(env);
        mainQueue = new QueueProbe(env.connection(), env.queues().main());
        deadQueue = new QueueProbe(env.connection(), env.queues().dead());
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
            mainQueue.close();
            deadQueue.close();
        }
        if (api != null) {
            api.close();
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
    void deadListsEachDeadLetterAsDlqListJsonPrintsItAndLeavesThemInPlace() throws Exception {
        long crashed = fixture.endedTask("crash", DeadLetterReason.SIGNAL, "JVM fatal error: SIGSEGV (0xb)");
        fixture.malformed("hello, taskfork");

        HttpCalls.Reply reply = http.get("/api/dead", READ_ONLY);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("queue").asText()).isEqualTo(env.queues().dead());
        assertThat(reply.json().get("total").asLong()).isEqualTo(2);
        List<JsonNode> letters = new ArrayList<>();
        reply.json().get("letters").forEach(letters::add);
        assertThat(letters).hasSize(2);
        JsonNode task = letters.stream().filter(letter -> !letter.get("task_id").isNull()).findFirst().orElseThrow();
        assertThat(task.get("task_id").asLong()).isEqualTo(crashed);
        assertThat(task.get("type").asText()).isEqualTo("crash");
        assertThat(task.get("status").asText()).isEqualTo("crashed");
        assertThat(task.get("reason").asText()).isEqualTo("signal");
        assertThat(task.get("detail").asText()).isEqualTo("JVM fatal error: SIGSEGV (0xb)");
        assertThat(task.get("body").asText()).isEqualTo(Long.toString(crashed));
        assertThat(task.fieldNames()).toIterable().containsExactly("task_id", "type", "status", "reason", "detail",
                "dead_at", "message_id", "content_type", "body");
        JsonNode malformed = letters.stream().filter(letter -> letter.get("task_id").isNull()).findFirst().orElseThrow();
        assertThat(malformed.get("reason").asText()).isEqualTo("malformed");
        assertThat(malformed.get("body").asText()).isEqualTo("hello, taskfork");
        deadQueue.awaitCount(2);
        HttpCalls.Reply filtered = http.get("/api/dead?reason=signal", READ_ONLY);
        assertThat(filtered.status()).as("a parameter it would not heed").isEqualTo(400);
        assertThat(filtered.json().get("error").asText()).isEqualTo("unknown parameter \"reason\": /api/dead takes none");
    }

    @Test
    void aDeadJsonMessageOfAnExecTaskIsListedWithItsEnvValuesHidden() throws Exception {
        fixture.malformed("{\"type\": \"exec\", \"payload\": {\"argv\": [\"claude\"],"
                + " \"env\": {\"ANTHROPIC_API_KEY\": \"sk-not-for-your-eyes\"}}, \"bogus\": 1}");

        HttpCalls.Reply reply = http.get("/api/dead", READ_ONLY);

        assertThat(reply.status()).isEqualTo(200);
        String body = reply.json().get("letters").get(0).get("body").asText();
        assertThat(body).doesNotContain("sk-not-for-your-eyes");
        assertThat(Json.parse(body).at("/payload/env/ANTHROPIC_API_KEY").asText()).isEqualTo("***");
        deadQueue.awaitCount(1);
    }

    @Test
    void replayQueuesEachTaskAskedForAndReportsWhatBecameOfEveryId() throws Exception {
        long crashed = fixture.endedTask("crash", DeadLetterReason.TIMEOUT, "killed after 1s");
        long running = fixture.runningTaskOnLiveSupervisor();
        long none = crashed + 1000;

        HttpCalls.Reply reply = http.post("/api/dead/replay",
                "{\"ids\": [" + crashed + ", " + running + ", " + none + "]}", TOKEN);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(body.get("replayed").asInt()).isEqualTo(1);
        assertThat(body.get("not_replayed").asInt()).isEqualTo(1);
        assertThat(body.get("complete").asBoolean()).isFalse();
        assertThat(outcome(body, crashed)).isEqualTo("replayed");
        assertThat(outcome(body, running)).isEqualTo("refused");
        assertThat(outcome(body, none)).isEqualTo("no_dead_letter");
        assertThat(message(body, running)).contains("is running now on live-host/7");
        assertThat(store.find(crashed).map(Task::status)).hasValue(TaskStatus.QUEUED);
        assertThat(store.find(running).map(Task::status)).hasValue(TaskStatus.RUNNING);
        assertThat(new String(mainQueue.take().getBody(), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(crashed));
        deadQueue.awaitCount(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1, 2]", "{}", "{\"ids\": []}", "{\"ids\": 7}", "{\"ids\": [\"7\"]}",
        "{\"ids\": [0]}", "{\"ids\": [-3]}", "{\"ids\": [1.5]}", "{\"ids\": [1], \"all\": true}"})
    void badReplayBodyIs400WithOneLineAndReplaysNothing(String badBody) throws Exception {
        long crashed = fixture.endedTask("crash", DeadLetterReason.EXIT, "called System.exit(3)");

        HttpCalls.Reply reply = http.post("/api/dead/replay", badBody, TOKEN);

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).doesNotContain("\n").isNotBlank();
        assertThat(store.find(crashed).map(Task::status)).hasValue(TaskStatus.CRASHED);
        deadQueue.awaitCount(1);
        assertThat(mainQueue.count()).isZero();
    }

    @Test
    void retryOfACrashedTaskQueuesItPublishesItsIdAndRemovesItsDeadLetter() throws Exception {
        long crashed = fixture.endedTask("crash", DeadLetterReason.OOM, "ran out of memory");
        fixture.duplicate(crashed, DeadLetterReason.OOM);

        HttpCalls.Reply reply = http.post("/api/tasks/" + crashed + "/retry", "", TOKEN);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("id").asLong()).isEqualTo(crashed);
        assertThat(reply.json().get("before").asText()).isEqualTo("crashed");
        assertThat(reply.json().get("status").asText()).isEqualTo("queued");
        Task task = store.find(crashed).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(task.attempts()).isZero();
        assertThat(task.failureKind()).isNull();
        assertThat(task.error()).isNull();
        assertThat(new String(mainQueue.take().getBody(), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(crashed));
        deadQueue.awaitCount(0);
    }

    @Test
    void retryOfATaskOfAnotherPoolQueuesItInThatPoolAndRemovesItsDeadLetterThere() throws Exception {
        QueueNames pool = QueueNames.of(env.queues().main() + ".fast");
        Queues.declare(env.connection(), pool);
        try (QueueProbe poolMain = new QueueProbe(env.connection(), pool.main());
                QueueProbe poolDead = new QueueProbe(env.connection(), pool.dead())) {
            long failed = endedWithoutDeadLetter("failed", "null");
            env.database().jdbi().useHandle(handle -> handle.execute("update tasks set queue = ? where id = ?",
                    pool.main(), failed));
            try (Channel channel = env.connection().createChannel()) {
                channel.basicPublish("", pool.dead(), WireFormat.taskIdProperties(failed).build(),
                        WireFormat.taskIdBody(failed));
            }
            poolDead.awaitCount(1);

            HttpCalls.Reply reply = http.post("/api/tasks/" + failed + "/retry", "", TOKEN);

            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(new String(poolMain.take().getBody(), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(failed));
            poolDead.awaitCount(0);
            assertThat(mainQueue.count()).as("nothing in this server's own pool").isZero();
        } finally {
            try (Channel channel = env.connection().createChannel()) {
                for (String queue : List.of(pool.main(), pool.retry(), pool.dead())) {
                    channel.queueDelete(queue);
                }
            }
        }
    }

    @Test
    void retryAndReplayOfATaskWhoseUniqueKeyALiveTaskNowHoldsAreRefusedWithOneLine() throws Exception {
        long crashed = fixture.endedTask("crash", DeadLetterReason.EXIT, "called System.exit(3)");
        long holder = env.database().jdbi().withHandle(handle -> {
            handle.execute("update tasks set unique_key = 'nightly' where id = ?", crashed);
            return handle.createQuery("insert into tasks (type, payload, status, unique_key)"
                    + " values ('crash', '{}', 'queued', 'nightly') returning id").mapTo(Long.class).one();
        });
        String why = "task " + crashed + "'s unique key \"nightly\" is held by live task " + holder
                + "; run it again once that one has ended";

        HttpCalls.Reply retry = http.post("/api/tasks/" + crashed + "/retry", "", TOKEN);
        HttpCalls.Reply replay = http.post("/api/dead/replay", "{\"ids\": [" + crashed + "]}", TOKEN);

        assertThat(retry.status()).as(retry.body()).isEqualTo(409);
        assertThat(retry.json().get("error").asText()).isEqualTo(why);
        assertThat(replay.status()).as(replay.body()).isEqualTo(200);
        assertThat(outcome(replay.json(), crashed)).isEqualTo("refused");
        assertThat(message(replay.json(), crashed)).contains(why);
        assertThat(store.find(crashed).orElseThrow().status()).isEqualTo(TaskStatus.CRASHED);
        deadQueue.awaitCount(1);
    }

    @Test
    void retryOfAFailedTaskWithoutADeadLetterAndOfAnExpiredOneQueuesBoth() throws Exception {
        long failed = endedWithoutDeadLetter("failed", "null");
        long expired = endedWithoutDeadLetter("expired", "now() - interval '1 minute'");

        HttpCalls.Reply failedReply = http.post("/api/tasks/" + failed + "/retry", "", TOKEN);
        HttpCalls.Reply expiredReply = http.post("/api/tasks/" + expired + "/retry", "", TOKEN);

        assertThat(failedReply.status()).as(failedReply.body()).isEqualTo(200);
        assertThat(failedReply.json().get("before").asText()).isEqualTo("failed");
        assertThat(expiredReply.status()).as(expiredReply.body()).isEqualTo(200);
        assertThat(expiredReply.json().get("before").asText()).isEqualTo("expired");
        assertThat(store.find(failed).map(Task::status)).hasValue(TaskStatus.QUEUED);
        assertThat(store.find(expired).map(Task::status)).hasValue(TaskStatus.QUEUED);
        // run again, an expired task would only expire again at once
        Boolean expiryCleared = env.database().jdbi().withHandle(handle -> handle.createQuery(
                "select expires_at is null from tasks where id = :id").bind("id", expired).mapTo(Boolean.class).one());
        assertThat(expiryCleared).isTrue();
        assertThat(mainQueue.takeBodies(2)).containsExactlyInAnyOrder(Long.toString(failed), Long.toString(expired));
    }

    @ParameterizedTest
    @ValueSource(strings = {"queued", "running", "succeeded", "retrying", "scheduled", "cancelled"})
    void retryOfATaskThatIsNotFailedCrashedOrExpiredIs409WithOneLineAndChangesNothing(String status)
            throws Exception {
        long id = store.insert(new NewTask("echo", Json.parse("{}")));
        env.database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set status = :status,"
                + " attempts = 1, worker = 'host/1' where id = :id").bind("status", status).bind("id", id).execute());
        fixture.duplicate(id, DeadLetterReason.EXCEPTION);

        HttpCalls.Reply reply = http.post("/api/tasks/" + id + "/retry", "", TOKEN);

        assertThat(reply.status()).as(reply.body()).isEqualTo(409);
        assertThat(reply.json().get("error").asText())
                .isEqualTo("task " + id + " is " + status + ": only a failed, crashed or expired task is retried");
        Task task = store.find(id).orElseThrow();
        assertThat(task.status().value()).isEqualTo(status);
        assertThat(task.attempts()).isEqualTo(1);
        assertThat(mainQueue.count()).isZero();
        deadQueue.awaitCount(1);
    }

    @Test
    void retryOfNoTaskIs404AndOfABadIdIs400() {
        HttpCalls.Reply none = http.post("/api/tasks/987654/retry", "", TOKEN);
        HttpCalls.Reply bad = http.post("/api/tasks/abc/retry", "", TOKEN);

        assertThat(none.status()).as(none.body()).isEqualTo(404);
        assertThat(none.json().get("error").asText()).isEqualTo("no task 987654");
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
    }

    @Test
    void theReadOnlyTokenGets403OnReplayAndRetryAndNothingChanges() throws Exception {
        long crashed = fixture.endedTask("crash", DeadLetterReason.SIGNAL, "killed by SIGKILL");

        HttpCalls.Reply replay = http.post("/api/dead/replay", "{\"ids\": [" + crashed + "]}", READ_ONLY);
        HttpCalls.Reply retry = http.post("/api/tasks/" + crashed + "/retry", "", READ_ONLY);

        assertThat(replay.status()).as(replay.body()).isEqualTo(403);
        assertThat(retry.status()).as(retry.body()).isEqualTo(403);
        assertThat(store.find(crashed).map(Task::status)).hasValue(TaskStatus.CRASHED);
        assertThat(mainQueue.count()).isZero();
        deadQueue.awaitCount(1);
    }

    @Test
    void overviewCountsEveryStatusQueueDepthsSupervisorsAndTasksFinishedPerMinute() throws Exception {
        fixture.endedTask("crash", DeadLetterReason.EXIT, "called System.exit(3)");
        publisher.submit(new NewTask("echo", Json.parse("{}")));
        finishedAgo("succeeded", "90 seconds");
        finishedAgo("succeeded", "100 seconds");
        finishedAgo("failed", "10 seconds");
        finishedAgo("succeeded", "2 hours");
        env.database().jdbi().useHandle(handle -> handle.execute("insert into workers (name, heartbeat_at)"
                + " values ('host-a/1', now()), ('host-b/2', now() - interval '1 hour')"));
        env.database().jdbi().useHandle(handle -> handle.execute("insert into tasks (type, payload, status, worker,"
                + " started_at) values ('sleep', '{}', 'running', 'host-a/1', now())"));
        mainQueue.awaitCount(1);

        HttpCalls.Reply reply = http.get("/api/overview", READ_ONLY);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode body = reply.json();
        JsonNode counts = body.get("counts");
        for (TaskStatus status : TaskStatus.values()) {
            assertThat(counts.has(status.value())).as(status.value()).isTrue();
        }
        assertThat(counts.size()).isEqualTo(TaskStatus.values().length);
        assertThat(counts.get("crashed").asLong()).isEqualTo(1);
        assertThat(counts.get("queued").asLong()).isEqualTo(1);
        assertThat(counts.get("succeeded").asLong()).isEqualTo(3);
        assertThat(counts.get("failed").asLong()).isEqualTo(1);
        assertThat(counts.get("running").asLong()).isEqualTo(1);
        assertThat(body.get("queues").get("main").get("name").asText()).isEqualTo(env.queues().main());
        assertThat(body.get("queues").get("main").get("messages").asLong()).isEqualTo(1);
        assertThat(body.get("queues").get("retry").get("messages").asLong()).isZero();
        assertThat(body.get("queues").get("dead").get("messages").asLong()).isEqualTo(1);
        JsonNode supervisors = body.get("supervisors");
        assertThat(supervisors.size()).isEqualTo(2);
        assertThat(supervisors.get(0).get("name").asText()).isEqualTo("host-a/1");
        assertThat(supervisors.get(0).get("alive").asBoolean()).isTrue();
        assertThat(supervisors.get(0).get("heartbeat_at").asText()).isNotBlank();
        assertThat(supervisors.get(0).get("running").asLong()).isEqualTo(1);
        assertThat(supervisors.get(1).get("name").asText()).isEqualTo("host-b/2");
        assertThat(supervisors.get(1).get("alive").asBoolean()).isFalse();
        assertThat(supervisors.get(1).get("running").asLong()).isZero();
        List<Long> minutes = new ArrayList<>();
        body.get("finished_per_minute").forEach(minute -> minutes.add(minute.asLong()));
        assertThat(minutes).hasSize(60);
        // the crashed task of the fixture ended just now, as did the one finished 10 seconds ago
        assertThat(minutes.get(59)).isEqualTo(2);
        assertThat(minutes.get(58)).isEqualTo(2);
        assertThat(minutes.subList(0, 58)).containsOnly(0L);
    }

    private static String outcome(JsonNode body, long id) {
        return result(body, id).get("outcome").asText();
    }

    private static String message(JsonNode body, long id) {
        return result(body, id).get("message").asText();
    }

    private static JsonNode result(JsonNode body, long id) {
        for (JsonNode result : body.get("results")) {
            if (result.get("id").asLong() == id) {
                return result;
            }
        }
        throw new AssertionError("no result for task " + id + " in " + body);
    }

    private static long endedWithoutDeadLetter(String status, String expiresAt) {
        long id = store.insert(new NewTask("echo", Json.parse("{}")));
        env.database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set status = :status,"
                + " attempts = :attempts, error = 'it broke', finished_at = now(), expires_at = " + expiresAt
                + " where id = :id")
                .bind("status", status)
                .bind("attempts", status.equals("expired") ? 0 : 1)
                .bind("id", id)
                .execute());
        return id;
    }

    private static void finishedAgo(String status, String ago) {
        long id = store.insert(new NewTask("echo", Json.parse("{}")));
        env.database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set status = :status,"
                + " attempts = 1, finished_at = now() - cast(:ago as interval) where id = :id")
                .bind("status", status)
                .bind("ago", ago)
                .bind("id", id)
                .execute());
    }
}
