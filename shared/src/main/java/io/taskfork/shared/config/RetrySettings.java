package io.taskfork.shared.config;

import java.time.Duration;

/**
 * When a task runs again.
 *
 * @param maxAttempts  runs of a task whose handler throws, before it fails; a task's own
 *                     {@code max_attempts} overrides it
 * @param baseDelay    delay before the first retry; each later one waits {@link #MULTIPLIER} times longer
 * @param crashRetries retries of a task whose child died; 0 dead-letters a crash at once
 */
public record RetrySettings(int maxAttempts, Duration baseDelay, int crashRetries) {

    public static final int MULTIPLIER = 4;
}
