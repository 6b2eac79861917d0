package io.taskfork.consumer.testhandlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;

/** {@code broken-init}: its static initializer throws, as a handler with a missing native library might. */
@TaskType("broken-init")
public final class BrokenInitHandler implements TaskHandler {

    private static final String CONFIG = load();

    private static String load() {
        throw new IllegalStateException("libfoo.so not found");
    }

    @Override
    public Object handle(TaskContext context) {
        return CONFIG;
    }
}
