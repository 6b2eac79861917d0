package io.taskfork.shared.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One row of the tasks table. Nullable columns are null until they apply.
 *
 * @param progress        0 to 100 as the handler last reported, or null
 * @param progressMessage the line that came with it, or null
 * @param maxAttempts     the task's own limit of attempts, or null for the supervisor's
 */
public record Task(
        long id,
        String type,
        JsonNode payload,
        TaskStatus status,
        int attempts,
        FailureKind failureKind,
        Integer exitCode,
        JsonNode result,
        String error,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String worker,
        Integer progress,
        String progressMessage,
        Integer maxAttempts) {
}
