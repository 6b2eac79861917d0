package io.taskfork.shared.wire;

import com.fasterxml.jackson.databind.JsonNode;

/** What a message on the main queue asks for, once parsed. */
public sealed interface TaskMessage {

    /** Run the task whose row already exists. */
    record Existing(long taskId) implements TaskMessage {
    }

    /**
     * Create the row, then run it. {@code messageId} may be null; when present, a second message
     * with the same id finds the row the first one created instead of creating another.
     * {@code options} holds its {@code run_at}, {@code expires_at} and {@code unique_key}.
     */
    record Create(String type, JsonNode payload, Integer maxAttempts, String messageId,
            io.taskfork.shared.task.TaskOptions options) implements TaskMessage {
    }
}
