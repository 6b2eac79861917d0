package io.taskfork.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.handler.ProgressReporter;
import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.task.Task;
import java.nio.file.Path;

/** What a handler run in the consumer's own JVM is given: the task, and nothing of a child's isolation. */
record InProcessContext(Task task, Path workDirectory) implements TaskContext {

    private static final System.Logger LOGGER = System.getLogger(InProcessContext.class.getName());

    @Override
    public long taskId() {
        return task.id();
    }

    @Override
    public int attempt() {
        return task.attempts();
    }

    @Override
    public JsonNode payload() {
        return task.payload();
    }

    @Override
    public ProgressReporter progress() {
        return (percent, message) -> { };
    }

    @Override
    public System.Logger logger() {
        return LOGGER;
    }
}
