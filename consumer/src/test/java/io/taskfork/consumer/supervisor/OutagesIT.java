package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.TcpProxy;
import io.taskfork.shared.testing.TestServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The supervisor reaches the broker and the database through proxies that the tests cut: outages
 * that lose nothing, ack nothing unrecorded, and run nothing twice.
 */
class OutagesIT {

    private static final Duration OUTAGE = Duration.ofSeconds(3);
    private static TcpProxy database;
    private static TcpProxy broker;
    private static SupervisorFixture fixture;
    private static int metricsPort;

    @BeforeAll
    static void startSupervisorBehindProxies() throws Exception {
        URI jdbc = URI.create(TestServices.get().jdbcUrl().substring("jdbc:".length()));
        URI amqp = URI.create(TestServices.get().amqpUri());
        database = TcpProxy.to(jdbc.getHost(), jdbc.getPort() < 0 ? 5432 : jdbc.getPort());
        broker = TcpProxy.to(amqp.getHost(), amqp.getPort() < 0 ? 5672 : amqp.getPort());
        String proxiedJdbc = "jdbc:postgresql://127.0.0.1:" + database.port() + jdbc.getPath()
                + (jdbc.getQuery() == null ? "" : "?" + jdbc.getQuery());
        String proxiedAmqp = through(broker);
        try (ServerSocket free = new ServerSocket(0)) {
            metricsPort = free.getLocalPort();
        }
        fixture = SupervisorFixture.start(OutagesIT.class, Map.of(), Map.of("TASKFORK_JDBC_URL", proxiedJdbc,
                "TASKFORK_AMQP_URI", proxiedAmqp, "TASKFORK_METRICS_PORT", String.valueOf(metricsPort)));
    }

    /** The broker's URI through {@code proxy}. */
    private static String through(TcpProxy proxy) {
        URI amqp = URI.create(TestServices.get().amqpUri());
        return TestServices.get().amqpUri().replace(amqp.getHost() + ":" + amqp.getPort(),
                "127.0.0.1:" + proxy.port()).replace("@" + amqp.getHost() + "/", "@127.0.0.1:" + proxy.port() + "/");
    }

    @AfterAll
    static void stopAll() throws Exception {
        database.restore();
        broker.restore();
        fixture.close();
        database.close();
        broker.close();
    }

    /** Also leaves every message acked, so that the next test's count of acks starts from its own. */
    @AfterEach
    void servicesAreBackAndTheSupervisorServesAgain() throws Exception {
        database.restore();
        broker.restore();
        assertThat(fixture.awaitTerminal(fixture.submit("echo", "{}")).status()).isEqualTo(TaskStatus.SUCCEEDED);
        fixture.awaitEveryMessageAcked();
    }

    @Test
    void messageArrivingWhileTheDatabaseIsAwayWaitsUnackedThenRunsOnce() throws Exception {
        long ackedBefore = fixture.supervisor().deliveriesAcked();
        database.cut();
        long id = fixture.submit("echo", "{\"during\":\"outage\"}");

        await(() -> fixture.supervisor().problems() != null, "unhealthy");
        Thread.sleep(OUTAGE.toMillis());
        assertThat(fixture.supervisor().problems()).contains("database down");
        assertThat(fixture.store().find(id).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(fixture.supervisor().deliveriesInHand()).as("held").isEqualTo(1);
        assertThat(fixture.supervisor().deliveriesAcked()).as("not acked").isEqualTo(ackedBefore);

        database.restore();
        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.attempts()).isEqualTo(1);
        assertThat(fixture.deadLettersOf(id)).isZero();
    }

    @Test
    void outcomeOfAChildThatFinishedWhileTheDatabaseWasAwayIsRecordedWithoutASecondRun() throws Exception {
        long ackedBefore = fixture.supervisor().deliveriesAcked();
        long id = fixture.submit("sleep", "{\"ms\":1500}");
        fixture.awaitStatus(id, TaskStatus.RUNNING);
        database.cut();
        fixture.awaitChildrenRunning(0);
        Thread.sleep(OUTAGE.toMillis());

        assertThat(fixture.store().find(id).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(fixture.supervisor().deliveriesInHand()).as("held").isEqualTo(1);
        assertThat(fixture.supervisor().deliveriesAcked()).as("not acked before it is recorded").isEqualTo(ackedBefore);

        database.restore();
        Task task = fixture.awaitTerminal(id);
        fixture.awaitEveryMessageAcked();

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.attempts()).isEqualTo(1);
    }

    @Test
    void taskThatFinishedWhileTheBrokerWasAwayIsRecordedAndItsRedeliveryAckedWithoutASecondRun()
            throws Exception {
        long id = fixture.submit("sleep", "{\"ms\":1500}");
        fixture.awaitStatus(id, TaskStatus.RUNNING);
        broker.cut();
        await(() -> fixture.supervisor().problems() != null, "unhealthy");

        Task task = fixture.awaitTerminal(id);
        assertThat(fixture.supervisor().problems()).contains("broker down");
        broker.restore();
        fixture.awaitEveryMessageAcked();

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(fixture.store().find(id).orElseThrow().attempts()).isEqualTo(1);
        await(() -> fixture.supervisor().problems() == null, "healthy again");
    }

    @Test
    void healthzAnswers503SayingTheDatabaseIsDownAndItsGaugeIsZeroWhileItIsAway() throws Exception {
        assertThat(get("/healthz")).isEqualTo("200 ok\n");

        database.cut();

        await(() -> get("/healthz").equals("503 unhealthy: broker up, database down\n"), "/healthz saying so");
        await(() -> get("/metrics").contains("\ntaskfork_database_connected 0.0\n"), "the database gauge at 0");
        assertThat(get("/metrics")).contains("\ntaskfork_broker_connected 1.0\n");
        database.restore();
        await(() -> get("/healthz").equals("200 ok\n"), "/healthz ok again");
        await(() -> get("/metrics").contains("\ntaskfork_database_connected 1.0\n"), "the database gauge at 1");
    }

    @Test
    void healthzAnswers503SayingTheBrokerIsDownAndQueueDepthsAreNaNWhileItIsAway() throws Exception {
        String main = fixture.environment().queues().main();
        String depth = "\ntaskfork_queue_messages{queue=\"" + main + "\",role=\"main\"} ";
        await(() -> get("/metrics").contains(depth + "0.0\n"), "the main queue's depth sampled");
        assertThat(get("/healthz")).isEqualTo("200 ok\n");

        broker.cut();

        await(() -> get("/healthz").equals("503 unhealthy: broker down, database up\n"), "/healthz saying so");
        await(() -> get("/metrics").contains(depth + "NaN\n"), "the main queue's depth unknown");
        assertThat(get("/metrics")).contains("\ntaskfork_broker_connected 0.0\n")
                .contains("\ntaskfork_database_connected 1.0\n");
        broker.restore();
        await(() -> get("/healthz").equals("200 ok\n"), "/healthz ok again");
        await(() -> get("/metrics").contains(depth + "0.0\n"), "the main queue's depth sampled again");
    }

    /** The status code and body of a GET on the supervisor's metrics port, as "200 ok\n". */
    private static String get(String path) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not " + what + " within " + SupervisorFixture.WITHIN);
            }
            Thread.sleep(50);
        }
    }

    /** README, "Running it": SIGTERM drains and exits, also when the broker stopped answering. */
    @Test
    void aStopWhileTheBrokerHasStoppedAnsweringEndsWithinSeconds() throws Exception {
        URI amqp = URI.create(TestServices.get().amqpUri());
        try (TcpProxy silent = TcpProxy.to(amqp.getHost(), amqp.getPort() < 0 ? 5672 : amqp.getPort())) {
            Map<String, String> variables = new HashMap<>(fixture.environment().environment());
            variables.put("TASKFORK_AMQP_URI", through(silent));
            variables.put("TASKFORK_METRICS_PORT", "0");
            // no standby children: the fixture's supervisor, of the same PID, names its own in the same folder
            variables.put("TASKFORK_STANDBY", "false");
            Supervisor second = new Supervisor(Settings.load(variables, Map.of())).start();
            silent.stall();

            long before = System.nanoTime();
            second.stop(Duration.ofSeconds(1));

            // the grace, the cancel's 5 s and the close's 3 s, and a margin for a loaded machine
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(13));
        }
    }
}
