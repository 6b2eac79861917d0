package io.taskfork.consumer.child.handlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;

/** {@code echo}: the result is the payload. */
@TaskType("echo")
public final class EchoHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) {
        return context.payload();
    }
}
