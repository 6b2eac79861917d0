package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.supervisor.launch.Verdict;
import io.taskfork.shared.config.RetrySettings;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.TaskOutcome;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.DeadLetterReason;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final Verdict THREW = verdict(TaskStatus.FAILED, FailureKind.EXCEPTION, DeadLetterReason.EXCEPTION);
    private static final Verdict CRASHED = verdict(TaskStatus.CRASHED, FailureKind.SIGNAL, DeadLetterReason.SIGNAL);
    private static final Verdict UNKNOWN = verdict(TaskStatus.FAILED, FailureKind.UNKNOWN_TYPE, DeadLetterReason.UNKNOWN_TYPE);

    private final RetryPolicy noJitter = new RetryPolicy(new RetrySettings(3, Duration.ofSeconds(1), 0), () -> 0.5);

    @Test
    void exceptionIsRetriedWithDelaysGrowingFourTimes() {
        assertThat(noJitter.retryAfter(1, null, THREW)).contains(Duration.ofSeconds(1));
        assertThat(noJitter.retryAfter(2, null, THREW)).contains(Duration.ofSeconds(4));
    }

    @Test
    void lastAttemptIsFinal() {
        assertThat(noJitter.retryAfter(3, null, THREW)).isEmpty();
    }

    @Test
    void tasksOwnLimitWins() {
        assertThat(noJitter.retryAfter(1, 1, THREW)).isEmpty();
        assertThat(noJitter.retryAfter(4, 5, THREW)).contains(Duration.ofSeconds(64));
    }

    @Test
    void crashIsFinalUnlessCrashRetriesAllowIt() {
        RetryPolicy crashOnce = new RetryPolicy(new RetrySettings(3, Duration.ofSeconds(1), 1), () -> 0.5);

        assertThat(noJitter.retryAfter(1, null, CRASHED)).isEmpty();
        assertThat(crashOnce.retryAfter(1, null, CRASHED)).contains(Duration.ofSeconds(1));
        assertThat(crashOnce.retryAfter(2, null, CRASHED)).isEmpty();
    }

    @Test
    void unknownTypeIsNeverRetried() {
        assertThat(noJitter.retryAfter(1, 10, UNKNOWN)).isEmpty();
    }

    @Test
    void jitterStaysWithinTwentyPercent() {
        RetryPolicy low = new RetryPolicy(new RetrySettings(3, Duration.ofSeconds(10), 0), () -> 0.0);
        RetryPolicy high = new RetryPolicy(new RetrySettings(3, Duration.ofSeconds(10), 0), () -> 0.999_999);

        assertThat(low.retryAfter(1, null, THREW)).contains(Duration.ofSeconds(8));
        assertThat(high.retryAfter(1, null, THREW).map(Duration::toMillis)).get().isEqualTo(12_000L);
    }

    private static Verdict verdict(TaskStatus status, FailureKind kind, DeadLetterReason reason) {
        return new Verdict(new TaskOutcome(status, kind, 0, null, "x", ""), reason, "x");
    }
}
