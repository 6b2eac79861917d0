package io.taskfork.consumer.testhandlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.util.Map;

/** {@code flaky}: throws on every attempt before {@code {"succeed_on": N}}, then returns the attempt. */
@TaskType("flaky")
public final class FlakyHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) {
        int succeedOn = context.payload().path("succeed_on").asInt(Integer.MAX_VALUE);
        if (context.attempt() < succeedOn) {
            throw new IllegalStateException("attempt " + context.attempt() + " fails on purpose");
        }
        return Map.of("attempt", context.attempt());
    }
}
