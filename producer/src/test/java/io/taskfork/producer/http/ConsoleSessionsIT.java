package io.taskfork.producer.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.config.HttpSettings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.TaskStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console's logins over plain HTTP: the cookie, the CSRF token every change needs, the read-only login. */
class ConsoleSessionsIT {

    private static final String TOKEN = "full-token-for-the-sessions-it";
    private static final String READ_ONLY = "read-only-token-for-the-sessions-it";
    private static final Map<String, String> FORM = Map.of("Content-Type", "application/x-www-form-urlencoded");

    private static final SteppedClock CLOCK = new SteppedClock();

    private static ApiFixture api;
    private static HttpCalls http;

    /** A logged-in console: its cookie and the CSRF token its page read. */
    record Login(String cookie, String csrf) {
        Map<String, String> headers(boolean withCsrf) {
            Map<String, String> headers = new HashMap<>(Map.of("Cookie", cookie, "Content-Type", "application/json"));
            if (withCsrf) {
                headers.put(ApiAccess.CSRF_HEADER, csrf);
            }
            return headers;
        }
    }

    @BeforeAll
    static void start() {
        api = ApiFixture.start(ConsoleSessionsIT.class, TOKEN, READ_ONLY, CLOCK);
        http = api.http();
    }

    @AfterAll
    static void stop() throws Exception {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void theConsoleAsksForALoginAndTheFullTokenStartsAnHttpOnlySameSiteStrictSession() {
        HttpCalls.Reply page = http.send("GET", "/", Map.of(), null);
        assertThat(page.status()).isEqualTo(303);
        assertThat(page.header("Location")).isEqualTo("/login");
        assertThat(http.send("GET", "/login", Map.of(), null).body()).contains("name=\"token\"");

        HttpCalls.Reply login = http.send("POST", "/login", FORM, "token=" + TOKEN);

        assertThat(login.status()).isEqualTo(303);
        assertThat(login.header("Location")).isEqualTo("/");
        assertThat(login.header("Set-Cookie")).startsWith(ConsoleSessions.COOKIE + "=")
                .contains("; HttpOnly").contains("; SameSite=Strict").contains("; Path=/");
        String cookie = login.header("Set-Cookie").split(";")[0];
        HttpCalls.Reply console = http.send("GET", "/", Map.of("Cookie", cookie), null);
        assertThat(console.status()).isEqualTo(200);
        assertThat(console.body()).contains("/assets/main.js");
        assertThat(console.header("Content-Security-Policy")).contains("default-src 'self'").contains("frame-ancestors 'none'");
    }

    @Test
    void aWrongTokenGoesBackToTheFormWithoutACookie() {
        HttpCalls.Reply login = http.send("POST", "/login", FORM, "token=not-the-token-at-all");

        assertThat(login.status()).isEqualTo(303);
        assertThat(login.header("Location")).isEqualTo("/login?failed");
        assertThat(login.header("Set-Cookie")).isNull();
    }

    @Test
    void aChangeFromTheConsoleNeedsItsSessionsCsrfToken() {
        Login login = logIn(TOKEN);
        String body = "{\"type\": \"echo\", \"payload\": {}}";
        long before = api.rows();

        HttpCalls.Reply without = http.send("POST", "/api/tasks", login.headers(false), body);
        Map<String, String> wrong = login.headers(true);
        wrong.put(ApiAccess.CSRF_HEADER, "x" + login.csrf());
        HttpCalls.Reply wrongToken = http.send("POST", "/api/tasks", wrong, body);
        long afterRefusals = api.rows();
        HttpCalls.Reply with = http.send("POST", "/api/tasks", login.headers(true), body);

        assertThat(without.status()).as(without.body()).isEqualTo(403);
        assertThat(without.json().get("error").asText())
                .isEqualTo("missing or wrong CSRF token: send the session's token in X-CSRF-Token");
        assertThat(wrongToken.status()).isEqualTo(403);
        assertThat(afterRefusals).as("nothing written without the token").isEqualTo(before);
        assertThat(with.status()).as(with.body()).isEqualTo(201);
        assertThat(api.rows()).isEqualTo(before + 1);
        // reads need no CSRF token
        assertThat(http.send("GET", "/api/tasks?limit=1", login.headers(false), null).status()).isEqualTo(200);
    }

    @Test
    void theReadOnlyLoginMayLookButNotCancelRetryOrReplay() throws Exception {
        long id = api.publisher().submit(new NewTask("echo", Json.parse("{}"))).id();
        Login login = logIn(READ_ONLY);

        assertThat(http.send("GET", "/api/session", login.headers(false), null).json().get("read_only").asBoolean())
                .isTrue();
        assertThat(http.send("GET", "/api/tasks/" + id, login.headers(false), null).status()).isEqualTo(200);
        for (String change : new String[] {"/api/tasks/" + id + "/cancel", "/api/tasks/" + id + "/retry"}) {
            HttpCalls.Reply reply = http.send("POST", change, login.headers(true), null);
            assertThat(reply.status()).as(change).isEqualTo(403);
            assertThat(reply.json().get("error").asText()).contains("may only read");
        }
        HttpCalls.Reply replay = http.send("POST", "/api/dead/replay", login.headers(true), "{\"ids\": [" + id + "]}");
        assertThat(replay.status()).isEqualTo(403);
        assertThat(api.store().find(id).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);
    }

    @Test
    void theReadOnlyLoginMayLogOutWithItsCsrfToken() {
        Login login = logIn(READ_ONLY);

        assertThat(http.send("POST", "/api/logout", login.headers(false), null).status()).isEqualTo(403);
        assertThat(http.send("POST", "/api/logout", login.headers(true), null).status()).isEqualTo(204);
        assertThat(http.send("GET", "/api/tasks?limit=1", login.headers(false), null).status()).isEqualTo(401);
    }

    @Test
    void aSessionEndsAfterTwelveHours() {
        Login login = logIn(TOKEN);
        CLOCK.moveOn(ConsoleSessions.LIFETIME.minusMinutes(1));
        assertThat(http.send("GET", "/api/tasks?limit=1", login.headers(false), null).status()).isEqualTo(200);

        CLOCK.moveOn(Duration.ofMinutes(1));

        assertThat(http.send("GET", "/api/tasks?limit=1", login.headers(false), null).status()).isEqualTo(401);
        assertThat(http.send("GET", "/", Map.of("Cookie", login.cookie()), null).header("Location")).isEqualTo("/login");
    }

    @Test
    void anotherAuthorizationSchemeLeavesTheSessionToDecide() {
        Login login = logIn(TOKEN);
        Map<String, String> headers = login.headers(false);
        // what a browser sends to a site behind a proxy's own Basic login
        headers.put("Authorization", "Basic dXNlcjpwYXNzd29yZA==");

        assertThat(http.send("GET", "/api/tasks?limit=1", headers, null).status()).isEqualTo(200);
        assertThat(http.send("GET", "/api/tasks?limit=1", Map.of("Authorization", "Basic dXNlcjpwYXNzd29yZA=="), null)
                .status()).isEqualTo(401);
    }

    @Test
    void behindAProxyThatEndsTlsTheCookieIsSecure() {
        Map<String, String> headers = new HashMap<>(FORM);
        headers.put("X-Forwarded-Proto", "https");

        HttpCalls.Reply login = http.send("POST", "/login", headers, "token=" + TOKEN);

        assertThat(login.header("Set-Cookie")).contains("; Secure");
        assertThat(http.send("POST", "/login", FORM, "token=" + TOKEN).header("Set-Cookie")).doesNotContain("Secure");
    }

    @Test
    void afterLoggingOutTheCookieOpensNothing() {
        Login login = logIn(TOKEN);

        assertThat(http.send("POST", "/api/logout", login.headers(false), null).status()).isEqualTo(403);
        HttpCalls.Reply logout = http.send("POST", "/api/logout", login.headers(true), null);

        assertThat(logout.status()).isEqualTo(204);
        assertThat(logout.header("Set-Cookie")).contains("Max-Age=0");
        assertThat(http.send("GET", "/api/tasks?limit=1", login.headers(false), null).status()).isEqualTo(401);
        assertThat(http.send("GET", "/", Map.of("Cookie", login.cookie()), null).status()).isEqualTo(303);
    }

    @Test
    void withoutATokenABrowsersChangeStillNeedsTheConsolesCsrfTokenButAProgramsDoesNot() {
        try (ApiServer open = ApiServer.start(api.publisher(), api.env().database(), api.env().connection(),
                api.env().queues(), new HttpSettings("127.0.0.1", 0, "", ""))) {
            HttpCalls calls = new HttpCalls(open.port());
            String body = "{\"type\": \"echo\", \"payload\": {}}";
            // what a page on another site can make a browser send: its Origin names that site
            HttpCalls.Reply forged = calls.send("POST", "/api/tasks",
                    Map.of("Content-Type", "text/plain", "Origin", "https://elsewhere.example"), body);
            HttpCalls.Reply program = calls.send("POST", "/api/tasks", Map.of("Content-Type", "application/json"), body);
            HttpCalls.Reply session = calls.send("GET", "/api/session", Map.of(), null);
            String cookie = session.header("Set-Cookie").split(";")[0];
            String csrf = session.json().get("csrf").asText();
            HttpCalls.Reply console = calls.send("POST", "/api/tasks", Map.of("Cookie", cookie,
                    "Origin", "http://127.0.0.1:" + open.port(), ApiAccess.CSRF_HEADER, csrf), body);

            assertThat(forged.status()).as(forged.body()).isEqualTo(403);
            assertThat(program.status()).as(program.body()).isEqualTo(201);
            assertThat(console.status()).as(console.body()).isEqualTo(201);
            assertThat(calls.send("GET", "/", Map.of(), null).status()).isEqualTo(200);
        }
    }

    @Test
    void withoutATokenAnotherSitesPageStartsNoSession() {
        try (ApiServer open = ApiServer.start(api.publisher(), api.env().database(), api.env().connection(),
                api.env().queues(), new HttpSettings("127.0.0.1", 0, "", ""))) {
            HttpCalls.Reply session = new HttpCalls(open.port()).send("GET", "/api/session",
                    Map.of("Sec-Fetch-Site", "cross-site"), null);

            assertThat(session.status()).isEqualTo(200);
            assertThat(session.header("Set-Cookie")).isNull();
            assertThat(session.json().get("csrf").isNull()).isTrue();
        }
    }

    @Test
    void withoutATokenOnlyALoopbackHostNameIsAnswered() throws Exception {
        try (ApiServer open = ApiServer.start(api.publisher(), api.env().database(), api.env().connection(),
                api.env().queues(), new HttpSettings("127.0.0.1", 0, "", ""))) {
            int port = open.port();
            for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:" + port}) {
                assertThat(statusFor(port, "/api/session", host)).as(host).isEqualTo(200);
            }
            // a name its owner points at 127.0.0.1: to the browser, the console's own origin
            for (String path : new String[] {"/", "/api/session", "/api/tasks"}) {
                assertThat(statusFor(port, path, "rebound.example:" + port)).as(path).isEqualTo(403);
            }
        }
        // with a token, a rebound page has neither it nor the cookie
        assertThat(statusFor(api.server().port(), "/login", "rebound.example")).isEqualTo(200);
    }

    /** The status of a GET with this exact Host header, which the JDK's client will not send. */
    private static int statusFor(int port, String path, String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    private static Login logIn(String token) {
        HttpCalls.Reply login = http.send("POST", "/login", FORM, "token=" + token);
        assertThat(login.status()).isEqualTo(303);
        String cookie = login.header("Set-Cookie").split(";")[0];
        String csrf = http.send("GET", "/api/session", Map.of("Cookie", cookie), null).json().get("csrf").asText();
        return new Login(cookie, csrf);
    }
}
