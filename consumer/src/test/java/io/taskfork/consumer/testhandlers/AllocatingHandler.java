package io.taskfork.consumer.testhandlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.util.Arrays;
import java.util.Map;

/** {@code allocate}: fills {@code {"mb": N}} megabytes of heap, every page touched, and keeps them until it returns. */
@TaskType("allocate")
public final class AllocatingHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) {
        int megabytes = context.payload().path("mb").asInt(1);
        byte[][] held = new byte[megabytes][];
        for (int i = 0; i < megabytes; i++) {
            held[i] = new byte[1024 * 1024];
            Arrays.fill(held[i], (byte) 1);
        }
        return Map.of("held_mb", held.length);
    }
}
