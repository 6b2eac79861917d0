package io.taskfork.consumer.supervisor;

import static io.taskfork.consumer.testing.SupervisorFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A failed attempt runs again after a growing delay, until its attempts run out. */
class RetriesIT {

    /** How late this test may see a row turn retrying, after its retry was recorded. */
    private static final Duration SEEN_LATE = Duration.ofMillis(150);
    /**
     * From a retry's run_at to its next attempt's claim: the scheduler's look (every 250 ms), its
     * publish, the delivery, the claim.
     */
    private static final Duration COMING_BACK = Duration.ofMillis(600);

    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(RetriesIT.class, Map.of(
                "TASKFORK_MAX_ATTEMPTS", "3", "TASKFORK_RETRY_DELAY", "300ms", "TASKFORK_CRASH_RETRIES", "1"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void handlerThatKeepsThrowingRunsMaxAttemptsTimesThenFailsAndIsDeadLetteredOnce() throws Exception {
        long id = fixture.submit("flaky", "{}");

        Task retrying = fixture.awaitStatus(id, TaskStatus.RETRYING);
        Task task = fixture.awaitTerminal(id);
        GetResponse letter = fixture.awaitDeadLetterOf(id);

        assertThat(retrying.failureKind()).isEqualTo(FailureKind.EXCEPTION);
        assertThat(retrying.error()).contains("fails on purpose");
        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.attempts()).isEqualTo(3);
        assertThat(task.error()).contains("attempt 3 fails on purpose");
        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("exception");
        assertThat(fixture.deadLettersOf(id)).isEqualTo(1);
    }

    @Test
    void retriesWaitTheBaseDelayThenFourTimesLongerWithinTheirJitter() throws Exception {
        long id = fixture.submit("flaky", "{}");

        Instant firstParked = awaitRetrying(id, 1);
        Instant secondParked = awaitRetrying(id, 2);
        Instant secondStarted = fixture.store().find(id).orElseThrow().startedAt();
        Instant thirdStarted = fixture.awaitTerminal(id).startedAt();

        // 300 ms, then 4 × 300 = 1200 ms, each ±20%: constant delays would fail one bound or the other
        assertThat(Duration.between(firstParked, secondStarted)).as("first delay")
                .isBetween(Duration.ofMillis(240).minus(SEEN_LATE), Duration.ofMillis(360).plus(COMING_BACK));
        assertThat(Duration.between(secondParked, thirdStarted)).as("second delay")
                .isBetween(Duration.ofMillis(960).minus(SEEN_LATE), Duration.ofMillis(1440).plus(COMING_BACK));
    }

    /**
     * A retry is a scheduled run, kept in the database: a short one is not held behind a long one,
     * as it would be behind a message of a longer delay at the head of a quorum queue.
     */
    @Test
    void aShortRetryIsNotHeldBehindALongOne() throws Exception {
        long slow = fixture.submit("flaky", "{\"succeed_on\":4}", 4);
        awaitRetrying(slow, 3);
        Instant slowDue = fixture.store().find(slow).orElseThrow().options().runAt();
        long quick = fixture.submit("flaky", "{\"succeed_on\":2}");

        Instant quickParked = awaitRetrying(quick, 1);
        Task done = fixture.awaitTerminal(quick);

        // 300 ms ±20% for the quick one; 4 × 4 × 300 = 4800 ms ±20% for the slow one
        assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(Duration.between(quickParked, done.startedAt())).as("the quick retry's delay")
                .isLessThan(Duration.ofMillis(360).plus(COMING_BACK));
        assertThat(done.startedAt()).as("the quick retry ran before the slow one was due").isBefore(slowDue);
        assertThat(fixture.awaitTerminal(slow).startedAt()).isAfterOrEqualTo(slowDue);
    }

    @Test
    void taskThatSucceedsOnASecondAttemptSucceeds() throws Exception {
        long id = fixture.submit("flaky", "{\"succeed_on\":2}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.attempts()).isEqualTo(2);
        assertThat(task.result().path("attempt").asInt()).isEqualTo(2);
        assertThat(task.failureKind()).isNull();
        assertThat(task.error()).isNull();
    }

    @Test
    void tasksOwnMaxAttemptsOverridesTheDefault() throws Exception {
        fixture.publish("{\"type\":\"flaky\",\"payload\":{\"own\":1},\"max_attempts\":1}", WireFormat.APPLICATION_JSON);

        long id = fixture.awaitTaskWhere("payload->>'own' = '1'");
        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.attempts()).isEqualTo(1);
    }

    @Test
    void crashRetriesGiveACrashedTaskOneMoreRun() throws Exception {
        long id = fixture.submit("crash", "{\"mode\":\"exit\",\"code\":9}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.EXIT);
        assertThat(task.attempts()).isEqualTo(2);
    }

    /** When the row was first seen retrying after attempt {@code attempt}. */
    private static Instant awaitRetrying(long id, int attempt) throws InterruptedException {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (Instant.now().isBefore(deadline)) {
            Task task = fixture.store().find(id).orElseThrow();
            if (task.status() == TaskStatus.RETRYING && task.attempts() == attempt) {
                return Instant.now();
            }
            assertThat(task.attempts()).as("attempt " + attempt + " seen retrying").isLessThanOrEqualTo(attempt);
            Thread.sleep(10);
        }
        throw new AssertionError("task " + id + " was not retrying after attempt " + attempt);
    }
}
