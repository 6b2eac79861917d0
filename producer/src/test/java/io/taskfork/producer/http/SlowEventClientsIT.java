package io.taskfork.producer.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A client of the task events that stops reading holds up no one else's events. */
class SlowEventClientsIT {

    private static final int MEGABYTE = 1 << 20;

    private static ApiFixture api;

    @BeforeAll
    static void start() {
        api = ApiFixture.start(SlowEventClientsIT.class, "", "");
    }

    @AfterAll
    static void stop() throws Exception {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aClientThatStopsReadingDelaysNoOtherClientsEvents() throws Exception {
        long chatty = running();
        long quiet = running();
        try (Socket stalled = new Socket()) {
            // a small window, and nothing ever read: the server's writes to it soon block
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", api.server().port()));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /api/tasks/" + chatty + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            CompletableFuture<HttpResponse<String>> watching = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.server().port() + "/api/tasks/"
                            + quiet + "/events")).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofString());
            // far more output than the socket buffers between the server and the stalled client hold
            for (int i = 0; i < 8; i++) {
                sql("update tasks set log = coalesce(log, '') || repeat('x', " + 2 * MEGABYTE + ") where id = " + chatty);
                Thread.sleep(300);
            }

            sql("update tasks set status = 'succeeded', finished_at = now() where id = " + quiet);

            HttpResponse<String> events = watching.get(5, TimeUnit.SECONDS);
            assertThat(events.body()).contains("event: status").endsWith("data: {\"status\":\"succeeded\",\"attempts\":1}\n\n");
        }
    }

    private static long running() {
        return api.env().database().jdbi().withHandle(handle -> handle.createQuery("insert into tasks"
                + " (type, payload, status, attempts, started_at, worker) values ('sleep', '{}', 'running', 1, now(),"
                + " 'slow-events/1') returning id").mapTo(Long.class).one());
    }

    private static void sql(String statement) {
        api.env().database().jdbi().useHandle(handle -> handle.execute(statement));
    }
}
