package io.taskfork.shared.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One row of the tasks table. Nullable columns are null until they apply.
 *
 * @param progress        0 to 100 as the handler last reported, or null
 * @param progressMessage the line that came with it, or null
 * @param maxAttempts     the task's own limit of attempts, or null for the supervisor's
 * @param cpuSeconds      CPU the last attempt used, or null when unknown
 * @param peakMemoryBytes the last attempt's peak resident memory, or null when unknown
 * @param totalCpuSeconds CPU of every attempt so far that reported it, or null before the first
 * @param options         its run_at, expires_at, unique_key and queue, each null when not set
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
        Integer maxAttempts,
        Double cpuSeconds,
        Long peakMemoryBytes,
        Double totalCpuSeconds,
        TaskOptions options) {
}
