package io.taskfork.producer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import io.taskfork.producer.task.TaskJson;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every endpoint of the HTTP API, against the real database and broker, with the full token. */
class ApiServerIT {

    private static final String TOKEN = "full-token-for-the-api-it";

    private static ApiFixture api;
    private static IsolatedEnvironment env;
    private static TaskStore store;
    private static HttpCalls http;

    @BeforeAll
    static void start() throws Exception {
        api = ApiFixture.start(ApiServerIT.class, TOKEN, "");
        env = api.env();
        store = api.store();
        http = api.http();
    }

    @AfterAll
    static void stop() throws Exception {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void healthzAnswersOkWithoutAToken() {
        HttpCalls.Reply reply = http.get("/healthz", null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("ok");
    }

    @Test
    void submitCreatesAQueuedTaskPublishesItsIdAndAnswers201WithItsLocation() throws Exception {
        long before = messages();

        HttpCalls.Reply reply = http.post("/api/tasks", "{\"type\": \"echo\", \"payload\": {\"hi\": 1},"
                + " \"max_attempts\": 2}", TOKEN);

        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        long id = reply.json().get("id").asLong();
        assertThat(reply.json().get("created").asBoolean()).isTrue();
        assertThat(reply.json().get("status").asText()).isEqualTo("queued");
        assertThat(reply.header("Location")).isEqualTo("/api/tasks/" + id);
        assertThat(store.find(id)).hasValueSatisfying(task -> {
            assertThat(task.type()).isEqualTo("echo");
            assertThat(task.payload().get("hi").asInt()).isEqualTo(1);
        });
        assertThat(messages()).isEqualTo(before + 1);
    }

    @Test
    void submitCarriesTheOptionFieldsAndADelayedTaskIsScheduled() {
        Instant expires = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

        HttpCalls.Reply reply = http.post("/api/tasks", "{\"type\": \"report\", \"delay\": \"10m\", \"expires_at\": \""
                + expires + "\", \"unique_key\": \"options-" + System.nanoTime() + "\"}", TOKEN);

        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        assertThat(reply.json().get("status").asText()).isEqualTo("scheduled");
        JsonNode row = http.get("/api/tasks/" + reply.json().get("id").asLong(), TOKEN).json();
        assertThat(row.get("expires_at").asText()).isEqualTo(expires.toString());
        assertThat(Instant.parse(row.get("run_at").asText())).isAfter(Instant.now().plus(9, ChronoUnit.MINUTES));
    }

    @Test
    void submitWithAUniqueKeyALiveTaskHoldsAnswers200WithTheHolderAndCreatesNothing() {
        String body = "{\"type\": \"echo\", \"unique_key\": \"nightly-" + System.nanoTime() + "\"}";
        long holder = http.post("/api/tasks", body, TOKEN).json().get("id").asLong();
        long rows = api.rows();

        HttpCalls.Reply reply = http.post("/api/tasks", body, TOKEN);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("id").asLong()).isEqualTo(holder);
        assertThat(reply.json().get("created").asBoolean()).isFalse();
        assertThat(reply.header("Location")).isNull();
        assertThat(api.rows()).isEqualTo(rows);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON                | {\"type\": \"echo\",                                      | bad JSON",
        "NaN                     | {\"type\": \"echo\", \"delay\": NaN} | bad JSON: NaN is not a JSON number (at",
        "no type                 | {\"payload\": {}}                                         | no \"type\"",
        "bad type                | {\"type\": \"no spaces allowed\"}                         | \"type\" must be",
        "payload not an object   | {\"type\": \"echo\", \"payload\": [1]}                    | \"payload\" must be a JSON object",
        "bad max_attempts        | {\"type\": \"echo\", \"max_attempts\": 0}                 | \"max_attempts\" must be",
        "bad delay               | {\"type\": \"echo\", \"delay\": \"soon\"}                 | \"delay\" must be",
        "bad run_at              | {\"type\": \"echo\", \"run_at\": \"tomorrow\"}            | \"run_at\" must be",
        "expires before run_at   | {\"type\": \"echo\", \"delay\": \"1h\", \"expires_at\": \"2020-01-01T00:00:00Z\"} | would expire",
        "a misspelt field        | {\"type\": \"echo\", \"max_attempt\": 1}                 | unknown field \"max_attempt\": a request body holds only",
        "run_at out of range     | {\"type\": \"echo\", \"run_at\": \"+999999999-12-31T23:59:59Z\"} | \"run_at\" is out of the range",
        "delay too long          | {\"type\": \"echo\", \"delay\": 1e20}                   | \"delay\": a duration of at most 3650 days",
        "a queue of the broker's | {\"type\": \"echo\", \"queue\": \"amq.tasks\"}          | RabbitMQ's own",
        "a field given twice     | {\"type\": \"echo\", \"type\": \"fail\"}              | Duplicate field 'type'",
        "expired already         | {\"type\": \"echo\", \"expires_at\": \"2020-01-01T00:00:00Z\"} | \"expires_at\" (2020-01-01T00:00:00Z) has passed",
        "half a surrogate pair   | {\"type\": \"echo\", \"payload\": {\"s\": \"\\ud800\"}} | half of a UTF-16 surrogate pair (\\ud800)",
    })
    void badBodyIs400WithOneLineAndWritesNothing(String kind, String body, String saying) throws Exception {
        long rows = api.rows();
        long messages = messages();

        HttpCalls.Reply reply = http.post("/api/tasks", body, TOKEN);

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        assertThat(reply.json().get("error").asText()).contains(saying).doesNotContain("\n");
        assertThat(api.rows()).isEqualTo(rows);
        assertThat(messages()).isEqualTo(messages);
    }

    @Test
    void getAnswersTheRowAsStatusJsonPrintsIt() {
        long id = submit("echo");
        sql("update tasks set status = 'failed', attempts = 1, failure_kind = 'exception', exit_code = 0,"
                + " error = 'boom', started_at = now(), finished_at = now(), worker = 'host/1' where id = " + id);

        HttpCalls.Reply reply = http.get("/api/tasks/" + id, TOKEN);

        assertThat(reply.status()).isEqualTo(200);
        // compared as text: a parsed number and a written one are of different node classes
        assertThat(reply.body()).isEqualTo(Json.write(TaskJson.of(store.find(id).orElseThrow())));
        assertThat(reply.json().get("failure_kind").asText()).isEqualTo("exception");
    }

    @Test
    void unknownTaskIs404AndABadIdIs400OnEveryTaskEndpoint() {
        long none = Long.MAX_VALUE - 1;
        assertThat(http.get("/api/tasks/" + none, TOKEN).status()).isEqualTo(404);
        assertThat(http.get("/api/tasks/" + none, TOKEN).json().get("error").asText()).isEqualTo("no task " + none);
        assertThat(http.get("/api/tasks/" + none + "/log", TOKEN).status()).isEqualTo(404);
        assertThat(http.post("/api/tasks/" + none + "/cancel", "", TOKEN).status()).isEqualTo(404);
        assertThat(http.get("/api/tasks/abc", TOKEN).status()).isEqualTo(400);
        assertThat(http.get("/api/tasks/abc", TOKEN).json().get("error").asText())
                .isEqualTo("a task ID is a positive whole number, not \"abc\"");
        assertThat(http.post("/api/tasks/0/cancel", "", TOKEN).status()).isEqualTo(400);
        HttpCalls.Reply tooLarge = http.get("/api/tasks/99999999999999999999", TOKEN);
        assertThat(tooLarge.status()).isEqualTo(400);
        assertThat(tooLarge.json().get("error").asText())
                .isEqualTo("a task ID is at most " + Long.MAX_VALUE + ", not \"99999999999999999999\"");
    }

    @Test
    void listGoesNewestFirstAcrossPagesByBeforeUntilNextBeforeIsNull() {
        String type = "page" + System.nanoTime();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(submit(type));
        }
        List<Long> seen = new ArrayList<>();
        String query = "/api/tasks?type=" + type + "&limit=2";
        JsonNode page = http.get(query, TOKEN).json();
        List<Integer> sizes = new ArrayList<>();
        while (true) {
            sizes.add(page.get("tasks").size());
            page.get("tasks").forEach(task -> seen.add(task.get("id").asLong()));
            if (page.get("next_before").isNull()) {
                break;
            }
            page = http.get(query + "&before=" + page.get("next_before").asLong(), TOKEN).json();
        }

        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(seen).containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
    }

    @Test
    void listFiltersByStatusAndTypeAndDefaultsTo50() {
        String type = "filter" + System.nanoTime();
        long queued = submit(type);
        long cancelled = submit(type);
        store.cancel(cancelled);

        JsonNode page = http.get("/api/tasks?status=cancelled&type=" + type, TOKEN).json();

        assertThat(page.get("tasks")).hasSize(1);
        assertThat(Json.write(page.get("tasks").get(0)))
                .isEqualTo(Json.write(TaskJson.of(store.find(cancelled).orElseThrow())));
        assertThat(page.get("next_before").isNull()).isTrue();
        assertThat(http.get("/api/tasks?type=" + type, TOKEN).json().get("tasks").get(1).get("id").asLong())
                .isEqualTo(queued);
        assertThat(ListParameters.DEFAULT_LIMIT).isEqualTo(50);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"limit=0", "limit=501", "limit=ten", "before=-1", "before=x", "status=done", "stauts=queued",
        "limit=1&limit=2", "type=", "type=bad%20type"})
    void badListParameterIs400WithOneLine(String query) {
        HttpCalls.Reply reply = http.get("/api/tasks?" + query, TOKEN);

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isNotBlank().doesNotContain("\n");
    }

    @Test
    void logIsTheCapturedOutputAsPlainText() {
        long id = submit("echo");
        assertThat(http.get("/api/tasks/" + id + "/log", TOKEN).body()).isEmpty();
        sql("update tasks set log = 'line one' || chr(10) || 'line two' || chr(10) where id = " + id);

        HttpCalls.Reply reply = http.get("/api/tasks/" + id + "/log", TOKEN);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("text/plain");
        assertThat(reply.body()).isEqualTo("line one\nline two\n");
    }

    @Test
    void cancelOfAQueuedTaskAnswersTheStatusBeforeAndAfterAndOfAnEndedOne409() {
        long id = submit("echo");

        HttpCalls.Reply reply = http.post("/api/tasks/" + id + "/cancel", "", TOKEN);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("before").asText()).isEqualTo("queued");
        assertThat(reply.json().get("status").asText()).isEqualTo("cancelled");
        assertThat(store.find(id).orElseThrow().status().value()).isEqualTo("cancelled");
        HttpCalls.Reply again = http.post("/api/tasks/" + id + "/cancel", "", TOKEN);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("error").asText()).isEqualTo("task " + id + " has already ended (cancelled)");
    }

    private static long submit(String type) {
        HttpCalls.Reply reply = http.post("/api/tasks", "{\"type\": \"" + type + "\"}", TOKEN);
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().get("id").asLong();
    }

    private static long messages() throws Exception {
        try (Channel channel = env.connection().createChannel()) {
            return channel.queueDeclarePassive(env.queues().main()).getMessageCount();
        }
    }

    private static void sql(String statement) {
        env.database().jdbi().useHandle(handle -> handle.execute(statement));
    }
}
