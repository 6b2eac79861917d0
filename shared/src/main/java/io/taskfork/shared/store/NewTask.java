package io.taskfork.shared.store;

import com.fasterxml.jackson.databind.JsonNode;

/** A task to be created: its type and payload. */
public record NewTask(String type, JsonNode payload) {
}
