package io.taskfork.producer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.topology.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README, "Console and HTTP API": every error is JSON, also those the server answers before any
 * route runs, and a request is never read past what it may hold. Requests a client library would
 * not send (a bad %-escape, a body in chunks) go over a socket as they are written here.
 */
class ServerErrorsIT {

    private static final String TOKEN = "token-of-the-server-errors-it";
    private static ApiFixture api;

    @BeforeAll
    static void start() {
        api = ApiFixture.start(ServerErrorsIT.class, TOKEN, "");
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    @Test
    void noSuchRouteAndAMethodARouteHasNotAreJson() {
        HttpCalls.Reply delete = api.http().send("DELETE", "/api/tasks/1", auth(), null);
        assertError(delete, 405, "DELETE is not allowed on /api/tasks/1");
        assertThat(delete.header("Allow")).isEqualTo("GET");
        assertError(api.http().get("/api/tasks/1/cancel", TOKEN), 405, "GET is not allowed on /api/tasks/1/cancel");
        assertError(api.http().get("/api/nope", TOKEN), 404, "no such endpoint: GET /api/nope");
    }

    @Test
    void aBodyOverTheLimitIs413WhetherItsLengthIsSaidOrItComesInChunks() throws Exception {
        long rows = api.rows();
        String large = "{\"type\": \"echo\", \"payload\": {\"pad\": \"" + "x".repeat(ServerErrors.MAX_BODY) + "\"}}";

        assertError(api.http().post("/api/tasks", large, TOKEN), 413, "the body is over 1000000 bytes");
        Raw chunked = raw("POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(large.length()) + "\r\n" + large + "\r\n0\r\n\r\n");
        assertThat(chunked.status()).as(chunked.text()).isEqualTo(413);
        assertThat(chunked.json().get("error").asText()).isEqualTo("the body is over 1000000 bytes");
        assertThat(api.rows()).isEqualTo(rows);
    }

    @Test
    void aBadEscapeInTheQueryIs400NotAFilterDropped() throws Exception {
        Raw reply = raw("GET /api/tasks?type=%ZZ&limit=5 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nConnection: close\r\n\r\n");

        assertThat(reply.status()).as(reply.text()).isEqualTo(400);
        assertThat(reply.json().get("error").asText())
                .isEqualTo("the query has a '%' that is not followed by two hex digits");
    }

    /** Only the task list takes parameters: one anywhere else would go unheeded and look heeded. */
    @Test
    void aParameterAnEndpointDoesNotTakeIs400() {
        long rows = api.rows();
        assertError(api.http().get("/api/overview?queue=other", TOKEN), 400,
                "unknown parameter \"queue\": /api/overview takes none");
        assertError(api.http().get("/api/tasks/1?fields=id", TOKEN), 400,
                "unknown parameter \"fields\": /api/tasks/1 takes none");
        assertError(api.http().get("/api/tasks/1/log?tail=10", TOKEN), 400,
                "unknown parameter \"tail\": /api/tasks/1/log takes none");
        assertError(api.http().post("/api/tasks?type=echo", "{\"type\": \"echo\"}", TOKEN), 400,
                "unknown parameter \"type\": /api/tasks takes none");
        assertThat(api.rows()).as("nothing written").isEqualTo(rows);
        assertThat(api.http().get("/api/tasks?status=queued", TOKEN).status()).isEqualTo(200);
        assertThat(api.http().get("/api/tasks/?status=queued", TOKEN).status()).isEqualTo(200);
        assertError(api.http().get("/api/nope?x=1", TOKEN), 404, "no such endpoint: GET /api/nope");
    }

    @Test
    void requestsJettyCannotReadAreAnsweredInJsonToo() throws Exception {
        Raw badPath = raw("GET /api/tasks/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(badPath.status()).as(badPath.text()).isEqualTo(400);
        assertThat(badPath.text()).containsIgnoringCase("content-type: application/json");
        assertThat(badPath.json().get("error").asText()).isEqualTo("the request cannot be read: its path has a '%'"
                + " not followed by two hex digits, or a character no path may hold");

        Raw longUri = raw("GET /api/tasks?type=" + "t".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(longUri.status()).as(longUri.text()).isEqualTo(414);
        assertThat(longUri.json().get("error").asText()).isEqualTo("the URI is too long: the request line and its"
                + " headers must fit in 8192 bytes");
    }

    /** Not the request's fault nor the server's: the same request may do once the broker has the queue again. */
    @Test
    void aQueueTheBrokerCannotGiveIs503WithOneLine() throws Exception {
        try (Channel channel = api.env().connection().createChannel()) {
            channel.queueDelete(api.env().queues().dead());
        }
        try {
            HttpCalls.Reply reply = api.http().get("/api/dead", TOKEN);

            assertThat(reply.status()).as(reply.body()).isEqualTo(503);
            assertThat(reply.json().get("error").asText()).startsWith("cannot read " + api.env().queues().dead())
                    .doesNotContain("\n");
        } finally {
            Topology.declare(api.env().connection(), api.env().queues());
        }
    }

    /** The request's own doing: the queue it names is one the broker holds with other arguments. */
    @Test
    void aTaskForAQueueTheBrokerHoldsOtherwiseIs409WithOneLineAndWritesNothing() throws Exception {
        String classic = api.env().queues().main() + ".classic";
        try (Channel channel = api.env().connection().createChannel()) {
            channel.queueDeclare(classic, true, false, false, null);
        }
        try {
            long rows = api.rows();

            HttpCalls.Reply reply = api.http().post("/api/tasks", "{\"type\": \"echo\", \"queue\": \"" + classic
                    + "\"}", TOKEN);

            assertThat(reply.status()).as(reply.body()).isEqualTo(409);
            assertThat(reply.json().get("error").asText()).startsWith("queue '" + classic + "' already exists with"
                    + " other arguments: delete it or give the task another queue (PRECONDITION_FAILED")
                    .doesNotContain("\n");
            assertThat(api.rows()).isEqualTo(rows);
        } finally {
            try (Channel channel = api.env().connection().createChannel()) {
                channel.queueDelete(classic);
                channel.queueDelete(classic + ".dead");
            }
        }
    }

    private static Map<String, String> auth() {
        return Map.of("Authorization", "Bearer " + TOKEN);
    }

    private static void assertError(HttpCalls.Reply reply, int status, String error) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).startsWith(Answers.JSON);
        assertThat(reply.json().get("error").asText()).isEqualTo(error);
    }

    private record Raw(String text) {
        int status() {
            return Integer.parseInt(text.split(" ", 3)[1]);
        }

        JsonNode json() {
            return Json.parse(text.substring(text.indexOf("\r\n\r\n") + 4).strip());
        }
    }

    private static Raw raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", api.server().port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException refusedMidway) {
                // the server may answer and close before it has read the whole request
            }
            InputStream in = socket.getInputStream();
            return new Raw(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        }
    }
}
