package io.taskfork.consumer.child.handlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.util.Map;

/** {@code sleep}: {@code {"ms": N}} sleeps N milliseconds; the result says how long it slept. */
@TaskType("sleep")
public final class SleepHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) throws InterruptedException {
        long ms = context.payload().path("ms").asLong(-1);
        if (ms < 0) {
            throw new IllegalArgumentException("payload needs \"ms\": a number of milliseconds, 0 or more");
        }
        Thread.sleep(ms);
        return Map.of("slept_ms", ms);
    }
}
