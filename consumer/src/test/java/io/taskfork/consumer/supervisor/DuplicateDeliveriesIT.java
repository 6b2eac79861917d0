package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.Channel;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.Workers;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Two deliveries of one task while it runs (README, "two deliveries of one task"): a second
 * delivery of a task running here is acked, one of a task running elsewhere is parked in
 * {@code .retry} for 5 s, and neither runs the task alongside its running attempt.
 */
class DuplicateDeliveriesIT {

    /** How long a delivery of a task running elsewhere is parked. */
    private static final Duration PARKED = Duration.ofSeconds(5);
    /** From a parked message's expiry to its claim: back to the main queue, delivered, claimed. */
    private static final Duration COMING_BACK = Duration.ofSeconds(2);
    private static final String OTHER_WORKER = "another-host/4711";

    private static SupervisorFixture fixture;
    private static Channel channel;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(DuplicateDeliveriesIT.class, Map.of());
        channel = fixture.environment().connection().createChannel();
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void secondDeliveryOfATaskRunningHereIsAckedAtOnceAndTheTaskRunsOnce() throws Exception {
        long id = fixture.submit("sleep", "{\"ms\":3000}");
        fixture.awaitStatus(id, TaskStatus.RUNNING);
        long ackedBefore = fixture.supervisor().deliveriesAcked();

        fixture.publish(String.valueOf(id), WireFormat.TEXT_PLAIN);

        await(() -> fixture.supervisor().deliveriesAcked() == ackedBefore + 1, "the duplicate acked");
        assertThat(fixture.store().find(id).orElseThrow().status()).as("acked while the task runs")
                .isEqualTo(TaskStatus.RUNNING);
        assertThat(retryQueueMessages()).as("acked, not parked").isZero();
        Task task = fixture.awaitTerminal(id);
        fixture.awaitEveryMessageAcked();
        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.attempts()).as("ran once").isEqualTo(1);
    }

    @Test
    void deliveryOfATaskRunningOnAnotherLiveSupervisorIsParkedForFiveSecondsAndNotRun() throws Exception {
        Workers workers = new Workers(fixture.environment().database());
        workers.beat(OTHER_WORKER);
        long id = fixture.store().insert(new NewTask("echo", Json.parse("{\"elsewhere\":true}")));
        fixture.environment().database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set"
                        + " status = 'running', attempts = 1, started_at = now(), worker = :worker where id = :id")
                .bind("worker", OTHER_WORKER)
                .bind("id", id)
                .execute());

        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Logger logger = (Logger) LoggerFactory.getLogger(UnclaimedDeliveries.class);
        logger.addAppender(lines);
        try {
            fixture.publish(String.valueOf(id), WireFormat.TEXT_PLAIN);
            await(() -> retryQueueMessages() == 1, "the message parked in " + fixture.environment().queues().retry());
        } finally {
            logger.detachAppender(lines);
        }
        Instant parked = Instant.now();
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).anySatisfy(line -> assertThat(line)
                .startsWith("task " + id + " is running on " + OTHER_WORKER + " since ")
                .containsPattern("whose last heartbeat was [0-9]s ago \\(taken over once that is 30s\\);"
                        + " message deferred 5s"));
        // Looked at shortly before the parked message comes back: the other supervisor still holds the task.
        while (Duration.between(parked, Instant.now()).compareTo(PARKED.minusSeconds(1)) < 0) {
            workers.beat(OTHER_WORKER);
            Task task = fixture.store().find(id).orElseThrow();
            assertThat(task.attempts()).as("not run while its runner's heartbeat is fresh").isEqualTo(1);
            assertThat(task.worker()).isEqualTo(OTHER_WORKER);
            Thread.sleep(100);
        }
        // The other supervisor stops; the message that comes back now finds the task free to run.
        workers.remove(OTHER_WORKER);
        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.attempts()).isEqualTo(2);
        assertThat(task.worker()).isEqualTo(fixture.supervisor().worker());
        assertThat(Duration.between(parked, task.startedAt())).as("parked for 5 s, then claimed")
                .isBetween(PARKED.minusSeconds(1), PARKED.plus(COMING_BACK));
        fixture.awaitEveryMessageAcked();
    }

    /** Ready messages in the retry queue; a passive declare counts every confirmed publish. */
    private static long retryQueueMessages() {
        try {
            return channel.queueDeclarePassive(fixture.environment().queues().retry()).getMessageCount();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not " + what + " within " + SupervisorFixture.WITHIN);
            }
            Thread.sleep(20);
        }
    }
}
