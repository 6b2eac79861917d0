package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.logging.LogSetup;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskOptions;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Cancelling a task, and stopping a supervisor that still has children running. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CancelAndDrainIT {

    // Long enough to cancel a retrying task before its message comes back, short enough to wait for that.
    private static final String RETRY_DELAY = "2s";
    private static SupervisorFixture fixture;
    @TempDir
    static Path workRoot;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(CancelAndDrainIT.class, Map.of("TASKFORK_RETRY_DELAY", RETRY_DELAY));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    @Order(1)
    void cancelledQueuedTaskNeverRuns() throws Exception {
        long id = fixture.store().insert(new NewTask("echo", Json.parse("{}")));
        assertThat(fixture.store().cancel(id)).contains(TaskStatus.QUEUED);

        fixture.publish(String.valueOf(id), WireFormat.TEXT_PLAIN);
        fixture.awaitEveryMessageAcked();

        Task task = fixture.store().find(id).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(task.attempts()).isZero();
    }

    @Test
    @Order(2)
    void cancelledRunningTaskIsKilledWithinASecondAndItsMessageAcked() throws Exception {
        long id = fixture.submit("sleep", "{\"ms\":60000}");
        fixture.awaitStatus(id, TaskStatus.RUNNING);
        fixture.awaitChildrenRunning(1);
        Logger watch = (Logger) LoggerFactory.getLogger(CancellationWatch.class);
        Logger execution = (Logger) LoggerFactory.getLogger(TaskExecution.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        watch.addAppender(lines);
        execution.addAppender(lines);

        Instant cancelled = Instant.now();
        fixture.store().cancel(id);
        fixture.awaitChildrenRunning(0);
        Duration took = Duration.between(cancelled, Instant.now());
        fixture.awaitEveryMessageAcked();
        String ended = "task " + id + " sleep cancelled while running";
        awaitTrue(() -> List.copyOf(lines.list).stream().anyMatch(line -> line.getFormattedMessage().startsWith(ended)),
                "the line of the task's end");
        watch.detachAppender(lines);
        execution.detachAppender(lines);

        assertThat(took).isLessThan(Duration.ofSeconds(1));
        assertThat(lines.list).filteredOn(line -> line.getFormattedMessage()
                .equals("task " + id + " was cancelled (told by the database); killing its child"))
                .as("the line, marked as one about the task").singleElement()
                .extracting(line -> line.getMDCPropertyMap().get(LogSetup.TASK_ID)).isEqualTo(Long.toString(id));
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).as("the kill is said before the end")
                .filteredOn(line -> line.startsWith("task " + id + " ")).hasSize(2).last().asString().startsWith(ended);
        assertThat(fixture.store().find(id).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    @Order(3)
    void cancelledRetryingTaskNeverRunsAgain() throws Exception {
        long acksBefore = fixture.supervisor().deliveriesAcked();
        long id = fixture.submit("flaky", "{}", 2);
        fixture.awaitStatus(id, TaskStatus.RETRYING);

        Task retrying = fixture.store().find(id).orElseThrow();
        assertThat(fixture.store().cancel(id)).contains(TaskStatus.RETRYING);
        // past its retry's time, and a look of the scheduler more: nothing was published for it
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), retrying.options().runAt()).toMillis()) + 1_500);
        fixture.awaitEveryMessageAcked();

        Task task = fixture.store().find(id).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(task.attempts()).isEqualTo(1);
        assertThat(fixture.supervisor().deliveriesAcked()).as("its one delivery, acked when its retry was recorded")
                .isEqualTo(acksBefore + 1);
        // why its last attempt ended stays, after the cancel that ended the task
        assertThat(task.failureKind()).isNull();
        assertThat(task.error()).isEqualTo("cancelled; attempt 1 had ended: " + retrying.error());
    }

    @Test
    @Order(4)
    void drainingSupervisorTakesNoNewMessageWhileItsRunningTaskFinishes() throws Exception {
        // Prefetch 1: the running task holds the only place, so the late message waits in the queue
        // until that task is acked, a moment that falls in the drain. A work root of its own: another
        // schema's is refused, and two supervisors in one JVM would name their standby folders alike.
        try (SupervisorFixture draining = SupervisorFixture.start(CancelAndDrainIT.class,
                Map.of("TASKFORK_PREFETCH", "1", "TASKFORK_WORK_DIR", workRoot.resolve("draining").toString()))) {
            long running = draining.submit("sleep", "{\"ms\":3000}");
            draining.awaitStatus(running, TaskStatus.RUNNING);
            long late = draining.submit("echo", "{}");

            draining.supervisor().stop(Duration.ofSeconds(30));

            assertThat(draining.store().find(running).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
            Task task = draining.store().find(late).orElseThrow();
            assertThat(task.status()).isEqualTo(TaskStatus.QUEUED);
            assertThat(task.attempts()).isZero();
            try (Channel channel = draining.environment().connection().createChannel()) {
                GetResponse message = channel.basicGet(draining.environment().queues().main(), true);
                assertThat(message).as("the late message, still in the queue").isNotNull();
                assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).isEqualTo(String.valueOf(late));
                // a delivery the draining supervisor took and dropped would come back marked redelivered
                assertThat(message.getEnvelope().isRedeliver()).as("ever delivered").isFalse();
            }
        }
    }

    @Test
    @Order(5)
    void stopAfterTheGraceKillsTheChildAndGivesTheTaskBackAsQueued() throws Exception {
        long id = fixture.submit("progressive", "{\"hold_ms\":60000}");
        fixture.awaitStatus(id, TaskStatus.RUNNING);
        fixture.awaitChildrenRunning(1);
        awaitProgress(id, 50);

        fixture.supervisor().stop(Duration.ofSeconds(1));

        Task task = fixture.store().find(id).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(task.attempts()).isZero();
        assertThat(task.progress()).as("the progress of the attempt given back").isNull();
        assertThat(fixture.mainQueueMessages()).as("its message is back in the queue").isEqualTo(1);
        assertThat(fixture.supervisor().childrenRunning()).isZero();
    }

    /** Stopped by a shutdown after it started, past its expiry: it has started once, so it runs again. */
    @Test
    @Order(6)
    void aTaskGivenBackByAShutdownPastItsExpiryRunsOnTheNextSupervisor() throws Exception {
        try (SupervisorFixture first = SupervisorFixture.start(CancelAndDrainIT.class,
                Map.of("TASKFORK_WORK_DIR", workRoot.resolve("expired").toString()))) {
            Instant expires = Instant.now().plusSeconds(3);
            long id = first.store().create(new NewTask("sleep", Json.parse("{\"ms\":6000}"), null,
                    new TaskOptions(null, expires, null, null))).id();
            first.publish(WireFormat.taskIdBody(id), WireFormat.taskIdProperties(id).build());
            first.awaitStatus(id, TaskStatus.RUNNING);
            awaitTrue(() -> Instant.now().isAfter(expires.plusMillis(200)), "its expiry past");

            first.supervisor().stop(Duration.ofMillis(200));
            assertThat(first.store().find(id).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);
            Supervisor next = new Supervisor(Settings.load(first.environment().environment(), Map.of())).start();
            try {
                Task task = first.awaitTerminal(id);
                assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
                assertThat(task.attempts()).isOne();
            } finally {
                next.stop(Duration.ofSeconds(5));
            }
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                fail("not within " + SupervisorFixture.WITHIN + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void awaitProgress(long id, int percent) throws InterruptedException {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (!Integer.valueOf(percent).equals(fixture.store().find(id).orElseThrow().progress())) {
            assertThat(Instant.now()).as("progress " + percent + " of task " + id).isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
