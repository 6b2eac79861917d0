package io.taskfork.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.producer.TaskPublisher;
import io.taskfork.producer.http.ApiServer;
import io.taskfork.shared.config.HttpSettings;
import io.taskfork.shared.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /api/tasks/{id}/events} against a real supervisor, database and broker, read with the read-only token. */
class TaskEventsIT {

    private static final String TOKEN = "full-token-for-the-events-it";
    private static final String READ_ONLY = "read-only-token-for-the-events-it";
    private static final Duration STREAM_WITHIN = Duration.ofSeconds(60);

    private static SupervisorFixture fixture;
    private static TaskPublisher publisher;
    private static ApiServer server;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One server-sent event: its name and its data as JSON. */
    record Event(String name, JsonNode data) {
    }

    /** A whole stream: its status and events, once the server ended it. */
    record Received(int status, List<Event> events, List<String> lines) {
        Event last() {
            return events.get(events.size() - 1);
        }

        List<Event> named(String name) {
            return events.stream().filter(event -> event.name().equals(name)).toList();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        fixture = SupervisorFixture.start(TaskEventsIT.class, Map.of());
        publisher = new TaskPublisher(fixture.environment().connection(), fixture.store(), fixture.environment().queues());
        server = ApiServer.start(publisher, fixture.environment().database(), fixture.environment().connection(),
                fixture.environment().queues(), new HttpSettings("127.0.0.1", 0, TOKEN, READ_ONLY));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aRunningTasksStreamDeliversProgressAndLogThenTheTerminalStatusAndEnds() throws Exception {
        long id = fixture.submit("progressive", "{\"hold_ms\": 2500}");

        Received stream = open(id).get(STREAM_WITHIN.toSeconds(), TimeUnit.SECONDS);

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.named("status")).extracting(event -> event.data().get("status").asText())
                .as(stream.lines().toString()).contains("running").last().isEqualTo("succeeded");
        assertThat(stream.named("progress")).extracting(event -> event.data().get("progress").asInt())
                .as(stream.lines().toString()).contains(50);
        String log = stream.named("log").stream().map(event -> event.data().get("text").asText())
                .collect(Collectors.joining());
        assertThat(log).contains("holding at half");
        assertThat(stream.last().name()).isEqualTo("status");
        assertThat(stream.last().data().get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void eachAttemptsLogComesWholeAndNamesItsAttemptThoughItStartsAsTheLastOnesDid() throws Exception {
        long id = fixture.submit("flaky",
                "{\"succeed_on\": 2, \"say\": \"said on every attempt\", \"hold_ms\": 1500}");

        Received stream = open(id).get(STREAM_WITHIN.toSeconds(), TimeUnit.SECONDS);

        List<Event> logs = stream.named("log");
        assertThat(logs).extracting(event -> event.data().get("attempt").asInt()).as(stream.lines().toString())
                .containsOnly(1, 2).isSorted();
        assertThat(logOf(logs, 1)).isEqualTo("said on every attempt\n");
        Event second = logs.stream().filter(event -> event.data().get("attempt").asInt() == 2).findFirst()
                .orElseThrow();
        assertThat(second.data().get("replaced").asBoolean()).as("the second attempt's first log event").isTrue();
        assertThat(logOf(logs, 2)).isEqualTo("said on every attempt\nattempt 2\n");
        assertThat(stream.last().data().get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void aHundredClientsOnOneTaskAllGetTheTerminalEventWhileTheDatabaseIsReadOnceARound() throws Exception {
        long id = fixture.submit("sleep", "{\"ms\": 3000}");
        ApiServer.EventReads before = server.eventReads();

        List<CompletableFuture<Received>> clients = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            clients.add(open(id));
        }
        List<Received> streams = new ArrayList<>();
        for (CompletableFuture<Received> client : clients) {
            streams.add(client.get(STREAM_WITHIN.toSeconds(), TimeUnit.SECONDS));
        }
        ApiServer.EventReads after = server.eventReads();

        assertThat(streams).allSatisfy(stream -> {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.last().name()).isEqualTo("status");
            assertThat(stream.last().data().get("status").asText()).isEqualTo("succeeded");
        });
        long rounds = after.rounds() - before.rounds();
        assertThat(rounds).as("rounds while the task ran for 3 s").isPositive();
        assertThat(after.taskRows() - before.taskRows()).as("task rows read").isEqualTo(rounds);
    }

    @Test
    void aTaskThatDoesNotExistIs404BeforeAnyStream() throws Exception {
        HttpResponse<String> response = CLIENT.send(request(999_999_999L).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Json.parse(response.body()).get("error").asText()).isEqualTo("no task 999999999");
    }

    @Test
    void anEndedTaskGetsItsTerminalEventAtOnceAndTheStreamEnds() throws Exception {
        long id = fixture.submit("sleep", "{\"ms\": 1}");
        fixture.awaitTerminal(id);
        ApiServer.EventReads before = server.eventReads();

        Received stream = open(id).get(STREAM_WITHIN.toSeconds(), TimeUnit.SECONDS);

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.named("status")).hasSize(1);
        assertThat(stream.last().data().get("status").asText()).isEqualTo("succeeded");
        assertThat(stream.last().data().get("attempts").asInt()).isEqualTo(1);
        assertThat(server.eventReads().taskRows()).as("never followed by the poller").isEqualTo(before.taskRows());
    }

    /** The log of one attempt as a client that follows the events holds it. */
    private static String logOf(List<Event> logs, int attempt) {
        StringBuilder log = new StringBuilder();
        logs.stream().filter(event -> event.data().get("attempt").asInt() == attempt).forEach(event -> {
            if (event.data().get("replaced").asBoolean()) {
                log.setLength(0);
            }
            log.append(event.data().get("text").asText());
        });
        return log.toString();
    }

    private static HttpRequest.Builder request(long id) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/tasks/" + id + "/events"))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + READ_ONLY)
                .GET();
    }

    /** Reads the whole stream, as a browser's EventSource would, until the server ends it. */
    private static CompletableFuture<Received> open(long id) {
        return CLIENT.sendAsync(request(id).build(), HttpResponse.BodyHandlers.ofLines())
                .thenApply(response -> {
                    try (Stream<String> body = response.body()) {
                        List<String> lines = body.toList();
                        return new Received(response.statusCode(), events(lines), lines);
                    }
                });
    }

    private static List<Event> events(List<String> lines) {
        List<Event> events = new ArrayList<>();
        String name = null;
        StringBuilder data = new StringBuilder();
        for (String line : lines) {
            if (line.startsWith("event:")) {
                name = line.substring("event:".length()).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring("data:".length()).strip());
            } else if (line.isEmpty() && name != null) {
                events.add(new Event(name, Json.parse(data.toString())));
                name = null;
                data.setLength(0);
            }
        }
        return events;
    }
}
