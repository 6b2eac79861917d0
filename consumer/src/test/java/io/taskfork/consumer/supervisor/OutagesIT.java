package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.TcpProxy;
import io.taskfork.shared.testing.TestServices;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
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

    @BeforeAll
    static void startSupervisorBehindProxies() throws Exception {
        URI jdbc = URI.create(TestServices.get().jdbcUrl().substring("jdbc:".length()));
        URI amqp = URI.create(TestServices.get().amqpUri());
        database = TcpProxy.to(jdbc.getHost(), jdbc.getPort() < 0 ? 5432 : jdbc.getPort());
        broker = TcpProxy.to(amqp.getHost(), amqp.getPort() < 0 ? 5672 : amqp.getPort());
        String proxiedJdbc = "jdbc:postgresql://127.0.0.1:" + database.port() + jdbc.getPath()
                + (jdbc.getQuery() == null ? "" : "?" + jdbc.getQuery());
        String proxiedAmqp = TestServices.get().amqpUri().replace(amqp.getHost() + ":" + amqp.getPort(),
                "127.0.0.1:" + broker.port()).replace("@" + amqp.getHost() + "/", "@127.0.0.1:" + broker.port() + "/");
        fixture = SupervisorFixture.start(OutagesIT.class, Map.of(),
                Map.of("TASKFORK_JDBC_URL", proxiedJdbc, "TASKFORK_AMQP_URI", proxiedAmqp));
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

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not " + what + " within " + SupervisorFixture.WITHIN);
            }
            Thread.sleep(50);
        }
    }
}
