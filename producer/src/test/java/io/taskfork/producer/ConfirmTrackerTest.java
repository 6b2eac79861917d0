package io.taskfork.producer;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ConfirmTrackerTest {

    private static final Duration LONG = Duration.ofSeconds(10);

    private final ConfirmTracker tracker = new ConfirmTracker();

    @Test
    void batchIsConfirmedWhenEveryMessageIsAcked() throws InterruptedException {
        expectBatch(101, 102);
        tracker.handleAck(1, false);
        tracker.handleAck(2, false);

        assertThat(tracker.await(LONG).allConfirmed()).isTrue();
    }

    @Test
    void multipleAckSettlesEveryMessageUpToItsTag() throws InterruptedException {
        expectBatch(101, 102, 103);
        tracker.handleAck(2, true);

        ConfirmTracker.Outcome outcome = tracker.await(Duration.ofMillis(20));

        assertThat(outcome.unconfirmed()).containsExactly(103L);
    }

    @Test
    void nackedTasksAreFailed() throws InterruptedException {
        expectBatch(101, 102, 103);
        tracker.handleAck(1, false);
        tracker.handleNack(3, true);

        ConfirmTracker.Outcome outcome = tracker.await(LONG);

        assertThat(outcome.allConfirmed()).isFalse();
        assertThat(outcome.nacked()).containsExactly(102L, 103L);
        assertThat(outcome.describe(3, "q", LONG))
                .isEqualTo("2 of 3 tasks not confirmed by the broker on queue q: 2 rejected (the queue is full or"
                        + " has no leader); their rows stay queued");
    }

    @Test
    void returnedTaskIsFailedThoughItIsAcked() throws InterruptedException {
        expectBatch(101, 102);
        tracker.handleReturn(312, "NO_ROUTE", "", "q", new AMQP.BasicProperties(),
                "102".getBytes(StandardCharsets.US_ASCII));
        tracker.handleAck(2, true);

        ConfirmTracker.Outcome outcome = tracker.await(LONG);

        assertThat(outcome.returned()).containsExactly(102L);
        assertThat(outcome.failed()).containsExactly(102L);
    }

    @Test
    void unansweredTasksAreFailedWhenTimeRunsOut() throws InterruptedException {
        expectBatch(101, 102);
        tracker.handleAck(1, false);

        ConfirmTracker.Outcome outcome = tracker.await(Duration.ofMillis(50));

        assertThat(outcome.unconfirmed()).containsExactly(102L);
        assertThat(outcome.describe(2, "q", Duration.ofMillis(50))).contains("1 unanswered within 50ms");
    }

    @Test
    void closedChannelEndsTheWaitAtOnce() throws InterruptedException {
        expectBatch(101);
        tracker.shutdownCompleted(new ShutdownSignalException(true, false, null, null));

        ConfirmTracker.Outcome outcome = tracker.await(Duration.ofHours(1));

        assertThat(outcome.unconfirmed()).containsExactly(101L);
        assertThat(outcome.closedBy()).isNotBlank();
        assertThat(outcome.describe(1, "q", LONG)).contains("1 unanswered as the channel closed: ");
    }

    @Test
    void ackFromAnotherThreadWakesTheWaiter() throws Exception {
        expectBatch(101);

        CompletableFuture<Void> acker = CompletableFuture.runAsync(() -> tracker.handleAck(1, false));

        assertThat(tracker.await(LONG).allConfirmed()).isTrue();
        acker.get();
    }

    @Test
    void lateAnswerAboutAnEarlierBatchIsIgnored() throws InterruptedException {
        expectBatch(101);
        tracker.begin();
        tracker.expect(2, 102);
        tracker.handleNack(1, false);
        tracker.handleAck(2, false);

        assertThat(tracker.await(LONG).allConfirmed()).isTrue();
    }

    @Test
    void abandonGivesUpOnUnansweredTasks() {
        expectBatch(101, 102);
        tracker.handleAck(1, false);

        assertThat(tracker.abandon()).containsExactly(102L);
    }

    /** A new batch whose messages get sequence numbers 1, 2, … in the order of {@code taskIds}. */
    private void expectBatch(long... taskIds) {
        tracker.begin();
        for (int i = 0; i < taskIds.length; i++) {
            tracker.expect(i + 1, taskIds[i]);
        }
    }
}
