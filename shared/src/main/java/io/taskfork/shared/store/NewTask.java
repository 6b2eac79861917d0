package io.taskfork.shared.store;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A task to be created.
 *
 * @param maxAttempts the task's own limit of attempts, or null for the supervisor's default
 */
public record NewTask(String type, JsonNode payload, Integer maxAttempts) {

    public NewTask(String type, JsonNode payload) {
        this(type, payload, null);
    }
}
