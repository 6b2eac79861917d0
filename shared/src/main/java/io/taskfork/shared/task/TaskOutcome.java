package io.taskfork.shared.task;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How one run of a task ended: what is written to its row when it finishes.
 *
 * @param failureKind null when the task succeeded
 * @param exitCode    the child's exit code, as the shell reports it (128+n for signal n); null if unknown
 * @param error       one human line (and for exceptions the stack trace below it); null on success
 * @param log         the child's output, bounded
 */
public record TaskOutcome(
        TaskStatus status, FailureKind failureKind, Integer exitCode, JsonNode result, String error, String log) {

    public TaskOutcome {
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("an outcome is terminal, not " + status.value());
        }
    }
}
