package io.taskfork.consumer.testhandlers;

import io.taskfork.shared.handler.NonRetryableException;
import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;

/** {@code hopeless}: fails with a NonRetryableException, so it runs once however many attempts it has. */
@TaskType("hopeless")
public final class HopelessHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) {
        throw new NonRetryableException("this payload can never work");
    }
}
