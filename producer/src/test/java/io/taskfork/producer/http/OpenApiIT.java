package io.taskfork.producer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.rabbitmq.client.Channel;
import io.taskfork.producer.cli.DeadLetterFixture;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.wire.DeadLetterReason;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code GET /api/openapi.json} against the server it describes: every operation is called for
 * real, to each answer it documents, and each answer is held to the document by
 * {@link OpenApiContract}; the document names exactly the routes the server serves.
 */
class OpenApiIT {

    private static final String TOKEN = "full-token-for-the-openapi-it";
    private static final String READ_ONLY = "read-only-token-for-the-openapi-it";
    private static final String EVENT_STREAM = "text/event-stream";

    private static ApiFixture api;
    private static IsolatedEnvironment env;
    private static TaskStore store;
    private static HttpCalls http;
    private static DeadLetterFixture deadLetters;
    private static OpenApiContract contract;

    @BeforeAll
    static void start() throws Exception {
        api = ApiFixture.start(OpenApiIT.class, TOKEN, READ_ONLY);
        env = api.env();
        store = api.store();
        http = api.http();
        deadLetters = new DeadLetterFixture(env);
        HttpCalls.Reply document = http.get("/api/openapi.json", READ_ONLY);
        assertThat(document.status()).as(document.body()).isEqualTo(200);
        contract = new OpenApiContract(document.body());
        contract.check("GET /api/openapi.json", document);
    }

    @AfterAll
    static void stop() throws Exception {
        if (deadLetters != null) {
            deadLetters.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void theDocumentNamesExactlyTheRoutesTheServerServes() {
        // the console's own pages are HTML for a person, not part of the API
        assertThat(contract.operations()).containsExactlyInAnyOrderElementsOf(api.server().routes().stream()
                .filter(route -> !List.of("GET /", "GET /login", "POST /login").contains(route)).toList());
    }

    /** A broker or a database away is 503 wherever either is reached: all of the API but these. */
    @Test
    void everyOperationThatReachesTheBrokerOrTheDatabaseDocuments503() {
        Set<String> noService = Set.of("GET /healthz", "GET /api/openapi.json", "GET /api/session", "POST /api/logout");
        for (String operation : contract.operations()) {
            assertThat(contract.documents(operation, 503)).as(operation).isEqualTo(!noService.contains(operation));
        }
    }

    /** In order: the last one asks whether the others between them met every answer the document names. */
    @TestFactory
    Stream<DynamicTest> everyDocumentedAnswerIsRealAndEveryRealAnswerIsDocumented() {
        return Stream.of(
                dynamicTest("GET /healthz", () -> contract.check("GET /healthz", http.get("/healthz", null))),
                dynamicTest("POST /api/tasks", OpenApiIT::submit),
                dynamicTest("GET /api/tasks", OpenApiIT::list),
                dynamicTest("GET /api/tasks/{id}", OpenApiIT::oneTask),
                dynamicTest("GET /api/tasks/{id}/log", OpenApiIT::log),
                dynamicTest("GET /api/tasks/{id}/events", OpenApiIT::events),
                dynamicTest("POST /api/tasks/{id}/cancel", OpenApiIT::cancel),
                dynamicTest("POST /api/tasks/{id}/retry", OpenApiIT::retry),
                dynamicTest("GET /api/dead", OpenApiIT::dead),
                dynamicTest("POST /api/dead/replay", OpenApiIT::replay),
                dynamicTest("GET /api/overview", OpenApiIT::overview),
                dynamicTest("GET /api/session", OpenApiIT::session),
                dynamicTest("POST /api/logout", () ->
                        contract.check("POST /api/logout", http.post("/api/logout", "", TOKEN))),
                dynamicTest("every operation without a token, or with a wrong one", OpenApiIT::withoutAToken),
                dynamicTest("every POST with the read-only token", OpenApiIT::readOnly),
                dynamicTest("every operation with a parameter it does not take", OpenApiIT::withAParameter),
                dynamicTest("every body over the limit", OpenApiIT::overTheLimit),
                dynamicTest("every documented answer was met", () ->
                        assertThat(contract.seen()).containsAll(contract.documentedAnswers())));
    }

    private static void submit() throws Exception {
        String operation = "POST /api/tasks";
        String plain = "{\"type\": \"echo\", \"payload\": {\"n\": 1}}";
        String later = "{\"type\": \"report\", \"payload\": null, \"delay\": \"10m\", \"max_attempts\": 3,"
                + " \"unique_key\": \"openapi-it\","
                + " \"expires_at\": \"" + Instant.now().plus(1, ChronoUnit.HOURS) + "\"}";
        contract.checkRequest(operation, plain);
        contract.checkRequest(operation, later);
        contract.check(operation, http.post("/api/tasks", plain, TOKEN));
        contract.check(operation, http.post("/api/tasks", later, TOKEN));
        contract.check(operation, http.post("/api/tasks", later, TOKEN));
        for (String bad : new String[] {"not json", "{\"payload\": {}}", "{\"type\": \"echo\", \"max_attempts\": 0}"}) {
            contract.check(operation, http.post("/api/tasks", bad, TOKEN));
        }
        // a queue the broker holds with other arguments than taskfork's
        String classic = env.queues().main() + ".classic";
        try (Channel channel = env.connection().createChannel()) {
            channel.queueDeclare(classic, true, false, false, null);
            contract.check(operation, http.post("/api/tasks", "{\"type\": \"echo\", \"queue\": \"" + classic + "\"}",
                    TOKEN));
            channel.queueDelete(classic);
            channel.queueDelete(classic + ".dead");
        }
    }

    private static void list() {
        queued();
        queued();
        for (String query : new String[] {"", "?limit=1", "?status=queued&type=echo", "?status=bogus", "?limt=5"}) {
            contract.check("GET /api/tasks", http.get("/api/tasks" + query, READ_ONLY));
        }
    }

    private static void oneTask() {
        String[] ids = {Long.toString(queued()), Long.toString(everyColumnSet()), "987654321", "abc", "0"};
        for (String id : ids) {
            contract.check("GET /api/tasks/{id}", http.get("/api/tasks/" + id, READ_ONLY));
        }
    }

    private static void log() {
        for (String id : new String[] {Long.toString(queued()), Long.toString(everyColumnSet()), "987654321", "-1"}) {
            contract.check("GET /api/tasks/{id}/log", http.get("/api/tasks/" + id + "/log", READ_ONLY));
        }
    }

    private static void events() {
        String operation = "GET /api/tasks/{id}/events";
        long ended = everyColumnSet();
        HttpCalls.Reply stream = http.get("/api/tasks/" + ended + "/events", READ_ONLY, EVENT_STREAM);
        assertThat(ServerSentEvents.parse(stream.body())).extracting(ServerSentEvents.Event::name)
                .as("an ended task with progress and a log").containsExactly("progress", "log", "status");
        contract.check(operation, stream);
        contract.check(operation, http.get("/api/tasks/" + ended + "/events", READ_ONLY));
        contract.check(operation, http.get("/api/tasks/987654321/events", READ_ONLY, EVENT_STREAM));
        contract.check(operation, http.get("/api/tasks/x/events", READ_ONLY, EVENT_STREAM));
    }

    private static void cancel() {
        long queued = queued();
        for (String id : new String[] {Long.toString(queued), Long.toString(queued), "987654321", "1.5"}) {
            contract.check("POST /api/tasks/{id}/cancel", http.post("/api/tasks/" + id + "/cancel", "", TOKEN));
        }
    }

    private static void retry() throws Exception {
        long crashed = deadLetters.endedTask("crash", DeadLetterReason.SIGNAL, "killed by SIGKILL");
        for (String id : new String[] {Long.toString(crashed), Long.toString(queued()), "987654321", "abc"}) {
            contract.check("POST /api/tasks/{id}/retry", http.post("/api/tasks/" + id + "/retry", "", TOKEN));
        }
    }

    private static void dead() throws Exception {
        deadLetters.endedTask("crash", DeadLetterReason.OOM, "ran out of memory");
        deadLetters.malformed("hello, taskfork");
        HttpCalls.Reply reply = http.get("/api/dead", READ_ONLY);
        assertThat(reply.json().get("letters").findValues("task_id")).as("a letter with a task and one without")
                .anyMatch(id -> id.isNull()).anyMatch(id -> id.isNumber());
        contract.check("GET /api/dead", reply);
    }

    private static void replay() throws Exception {
        String operation = "POST /api/dead/replay";
        long crashed = deadLetters.endedTask("crash", DeadLetterReason.TIMEOUT, "killed after 1s");
        String body = "{\"ids\": [" + crashed + ", 987654321]}";
        contract.checkRequest(operation, body);
        contract.check(operation, http.post("/api/dead/replay", body, TOKEN));
        for (String bad : new String[] {"{}", "{\"ids\": [0]}", "{\"ids\": [1], \"all\": true}"}) {
            contract.check(operation, http.post("/api/dead/replay", bad, TOKEN));
        }
    }

    private static void overview() {
        env.database().jdbi().useHandle(handle -> handle.execute("insert into workers (name, heartbeat_at)"
                + " values ('openapi-host/1', now()) on conflict do nothing"));
        contract.check("GET /api/overview", http.get("/api/overview", READ_ONLY));
    }

    private static void session() {
        contract.check("GET /api/session", http.get("/api/session", READ_ONLY));
        HttpCalls.Reply login = http.send("POST", "/login", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "token=" + TOKEN);
        String cookie = login.header("Set-Cookie").split(";")[0];
        HttpCalls.Reply session = http.send("GET", "/api/session", Map.of("Cookie", cookie), null);
        assertThat(session.json().get("csrf").isTextual()).as(session.body()).isTrue();
        contract.check("GET /api/session", session);
    }

    private static void withoutAToken() {
        String id = Long.toString(queued());
        for (String operation : contract.operations()) {
            String[] methodAndPath = operation.split(" ", 2);
            String path = methodAndPath[1].replace("{id}", id);
            if (path.startsWith("/api/")) {
                for (String token : new String[] {null, TOKEN + "-wrong"}) {
                    contract.check(operation, methodAndPath[0].equals("GET") ? http.get(path, token)
                            : http.post(path, "{}", token));
                }
            }
        }
    }

    private static void readOnly() {
        String id = Long.toString(queued());
        for (String operation : contract.operations()) {
            String[] methodAndPath = operation.split(" ", 2);
            if (methodAndPath[0].equals("POST")) {
                contract.check(operation, http.post(methodAndPath[1].replace("{id}", id), "{}", READ_ONLY));
            }
        }
    }

    private static void overTheLimit() {
        for (String operation : contract.operationsWithABody()) {
            contract.check(operation, http.post(operation.split(" ", 2)[1], "x".repeat(1_000_001), TOKEN));
        }
    }

    /** Only the task list takes parameters; a query at any other endpoint is refused, not left unheeded. */
    private static void withAParameter() {
        String id = Long.toString(queued());
        for (String operation : contract.operations()) {
            String[] methodAndPath = operation.split(" ", 2);
            String path = methodAndPath[1].replace("{id}", id) + "?unknown=1";
            if (path.startsWith("/api/") && !operation.equals("GET /api/tasks")) {
                contract.check(operation, methodAndPath[0].equals("GET") ? http.get(path, TOKEN)
                        : http.post(path, "{}", TOKEN));
            }
        }
    }

    private static long queued() {
        return store.insert(new NewTask("echo", Json.parse("{}")));
    }

    /** An ended task whose every column that may be null is not, so that each is held to its type. */
    private static long everyColumnSet() {
        long id = queued();
        env.database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set status = 'crashed',"
                        + " attempts = 2, failure_kind = 'signal', exit_code = 134, result = '{\"partial\": [1, 2]}',"
                        + " error = 'JVM fatal error: SIGSEGV', log = E'line one\\nline two\\n',"
                        + " started_at = now() - interval '5 seconds', finished_at = now(), worker = 'openapi-host/1',"
                        + " progress = 50, progress_message = 'halfway', cpu_seconds = 1.25,"
                        + " peak_memory_bytes = 41943040, total_cpu_seconds = 2.5,"
                        + " run_at = now() - interval '1 minute',"
                        + " expires_at = now() + interval '1 hour', unique_key = :key, queue = :queue where id = :id")
                .bind("key", "every-column-" + id)
                .bind("queue", env.queues().main())
                .bind("id", id)
                .execute());
        return id;
    }
}
