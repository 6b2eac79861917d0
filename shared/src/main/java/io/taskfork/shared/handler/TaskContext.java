package io.taskfork.shared.handler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;

/** What a handler knows of the task it runs. */
public final class TaskContext {

    private final long taskId;
    private final int attempt;
    private final JsonNode payload;

    public TaskContext(long taskId, int attempt, JsonNode payload) {
        this.taskId = taskId;
        this.attempt = attempt;
        this.payload = payload;
    }

    public long taskId() {
        return taskId;
    }

    /** 1 on the first run of the task. */
    public int attempt() {
        return attempt;
    }

    public JsonNode payload() {
        return payload;
    }

    /** The payload bound to a type of the handler's choosing, such as a record. */
    public <T> T payloadAs(Class<T> type) {
        try {
            return Json.MAPPER.treeToValue(payload, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload does not fit " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }
}
