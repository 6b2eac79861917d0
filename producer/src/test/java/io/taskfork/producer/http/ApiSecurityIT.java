package io.taskfork.producer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskfork.shared.config.HttpSettings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.testing.IsolatedEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may do what over HTTP: the full token, the read-only one, none. */
class ApiSecurityIT {

    private static final String TOKEN = "full-token-for-the-security-it";
    private static final String READ_ONLY = "read-only-token-for-the-security-it";

    private static ApiFixture api;
    private static IsolatedEnvironment env;
    private static TaskStore store;
    private static HttpCalls http;

    @BeforeAll
    static void start() throws Exception {
        api = ApiFixture.start(ApiSecurityIT.class, TOKEN, READ_ONLY);
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
    void withoutATokenEveryApiRequestIs401WithAChallengeButHealthzAnswers() {
        long id = store.insert(new NewTask("echo", Json.parse("{}")));
        long rows = api.rows();

        for (HttpCalls.Reply reply : new HttpCalls.Reply[] {http.get("/api/tasks", null),
                http.get("/api/tasks/" + id, null), http.get("/api/tasks/" + id + "/log", null),
                http.post("/api/tasks", "{\"type\": \"echo\"}", null), http.post("/api/tasks/" + id + "/cancel", "", null),
                http.get("/api/no-such-endpoint", null)}) {
            assertThat(reply.status()).as(reply.response().uri().toString()).isEqualTo(401);
            assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"taskfork\"");
            assertThat(reply.json().get("error").asText()).contains("Authorization: Bearer");
        }
        assertThat(api.rows()).isEqualTo(rows);
        assertThat(store.find(id).orElseThrow().status().value()).isEqualTo("queued");
        assertThat(http.get("/healthz", null).body()).isEqualTo("ok");
    }

    @Test
    void aWrongTokenIs401AsAnInvalidToken() {
        HttpCalls.Reply reply = http.get("/api/tasks", TOKEN + "x");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"taskfork\", error=\"invalid_token\"");
        assertThat(reply.body()).doesNotContain(TOKEN);
    }

    @Test
    void theReadOnlyTokenMayReadButGets403OnSubmitAndCancel() {
        long id = store.insert(new NewTask("echo", Json.parse("{}")));
        long rows = api.rows();

        assertThat(http.get("/api/tasks/" + id, READ_ONLY).status()).isEqualTo(200);
        assertThat(http.get("/api/tasks", READ_ONLY).status()).isEqualTo(200);
        assertThat(http.get("/api/tasks/" + id + "/log", READ_ONLY).status()).isEqualTo(200);
        HttpCalls.Reply submit = http.post("/api/tasks", "{\"type\": \"echo\"}", READ_ONLY);
        HttpCalls.Reply cancel = http.post("/api/tasks/" + id + "/cancel", "", READ_ONLY);

        assertThat(submit.status()).isEqualTo(403);
        assertThat(cancel.status()).isEqualTo(403);
        assertThat(cancel.json().get("error").asText()).isEqualTo("the read-only token may only read (GET)");
        assertThat(api.rows()).isEqualTo(rows);
        assertThat(store.find(id).orElseThrow().status().value()).isEqualTo("queued");
        assertThat(http.post("/api/tasks/" + id + "/cancel", "", TOKEN).status()).isEqualTo(200);
    }

    @Test
    void onLoopbackWithoutATokenTheApiAsksForNone() {
        try (ApiServer open = ApiServer.start(api.publisher(), env.database(), env.connection(), env.queues(), new HttpSettings("127.0.0.1", 0, "", ""))) {
            assertThat(new HttpCalls(open.port()).get("/api/tasks?limit=1", null).status()).isEqualTo(200);
        }
    }

    @Test
    void aNonLoopbackAddressWithoutATokenIsNeverServed() {
        assertThatThrownBy(() -> ApiServer.start(api.publisher(), env.database(), env.connection(), env.queues(), new HttpSettings("0.0.0.0", 0, "", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refusing to serve on 0.0.0.0 without a token: any address but a loopback one needs"
                        + " TASKFORK_HTTP_TOKEN (or set TASKFORK_HTTP_BIND=127.0.0.1)");
    }
}
