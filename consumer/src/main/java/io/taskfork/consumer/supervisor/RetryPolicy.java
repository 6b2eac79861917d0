package io.taskfork.consumer.supervisor;

import io.taskfork.consumer.supervisor.launch.Verdict;
import io.taskfork.shared.config.RetrySettings;
import io.taskfork.shared.task.FailureKind;
import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Whether a failed attempt runs again, and after how long. A handler that threw runs again until
 * its attempts reach the task's {@code max_attempts} (else TASKFORK_MAX_ATTEMPTS); a child that
 * died runs again only TASKFORK_CRASH_RETRIES times, since a task that crashes its JVM tends to
 * crash it again. Delays grow by {@link RetrySettings#MULTIPLIER} each time, with ±20% jitter so
 * that tasks failed together do not come back together.
 */
final class RetryPolicy {

    private static final double JITTER = 0.2;

    private final RetrySettings settings;
    private final DoubleSupplier random;

    /** @param random uniform in [0, 1), such as {@code Math::random} */
    RetryPolicy(RetrySettings settings, DoubleSupplier random) {
        this.settings = settings;
        this.random = random;
    }

    /**
     * @param attempt          the attempt that just failed, 1 for the first
     * @param taskMaxAttempts  the task's own limit, or null
     * @return the delay before the next attempt, or empty when this failure is final
     */
    Optional<Duration> retryAfter(int attempt, Integer taskMaxAttempts, Verdict verdict) {
        FailureKind kind = verdict.outcome().failureKind();
        if (!verdict.retryable()) {
            return Optional.empty();
        }
        boolean again;
        if (kind == FailureKind.EXCEPTION) {
            again = attempt < (taskMaxAttempts != null ? taskMaxAttempts : settings.maxAttempts());
        } else {
            again = kind != null && kind.isCrash() && attempt <= settings.crashRetries();
        }
        if (!again) {
            return Optional.empty();
        }
        double backoff = Math.pow(RetrySettings.MULTIPLIER, attempt - 1);
        double jitter = 1 - JITTER + 2 * JITTER * random.getAsDouble();
        return Optional.of(Duration.ofMillis(Math.round(settings.baseDelay().toMillis() * backoff * jitter)));
    }
}
