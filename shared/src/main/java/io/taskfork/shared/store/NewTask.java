package io.taskfork.shared.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.task.TaskOptions;

/**
 * A task to be created.
 *
 * @param maxAttempts the task's own limit of attempts, or null for the supervisor's default
 * @param options     when, where and under what condition it runs
 */
public record NewTask(String type, JsonNode payload, Integer maxAttempts, TaskOptions options) {

    public NewTask {
        options = options == null ? TaskOptions.NONE : options;
    }

    public NewTask(String type, JsonNode payload, Integer maxAttempts) {
        this(type, payload, maxAttempts, TaskOptions.NONE);
    }

    public NewTask(String type, JsonNode payload) {
        this(type, payload, null);
    }
}
