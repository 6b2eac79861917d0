package io.taskfork.shared.handler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import java.nio.file.Path;

/** What a handler knows of the task it runs, and what it may use while it runs. */
public interface TaskContext {

    long taskId();

    /** 1 on the first run of the task, 2 on its first retry, and so on. */
    int attempt();

    /** The task's payload, a JSON object. */
    JsonNode payload();

    /**
     * A fresh, empty directory of this task's own, which is also the working directory of its JVM.
     * It is removed after the task unless the supervisor runs with TASKFORK_KEEP_WORKDIRS.
     */
    Path workDirectory();

    /** Reports how far the task has come; it shows in the {@code progress} columns and in {@code status}. */
    ProgressReporter progress();

    /** A logger whose lines go to the task's log, with their level. */
    System.Logger logger();

    /**
     * The payload bound to a type of the handler's choosing, such as a record.
     *
     * @throws NonRetryableException when the payload does not fit: running again would not help
     */
    default <T> T payloadAs(Class<T> type) {
        try {
            // An Object or a Map's value gets a Double where a double holds the number, the type handlers cast
            // such a value to; a BigDecimal only where a double would change the number.
            return Json.MAPPER.readerFor(type).without(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .readValue(payload());
        } catch (JsonProcessingException e) {
            throw new NonRetryableException("payload does not fit " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
