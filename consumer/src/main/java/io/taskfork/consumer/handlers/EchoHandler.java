package io.taskfork.consumer.handlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;

/** {@code echo}: the result is the payload. */
public final class EchoHandler implements TaskHandler {

    @Override
    public String type() {
        return "echo";
    }

    @Override
    public Object handle(TaskContext context) {
        return context.payload();
    }
}
