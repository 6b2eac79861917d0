package io.taskfork.consumer.testhandlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code allocate}: fills {@code {"mb": N}} megabytes of heap, every page touched, and keeps them
 * until it returns; with {@code "direct": true}, of direct buffers outside the heap instead, which
 * no {@code -Xmx} bounds. {@code "hold_ms"} keeps them that long before returning.
 */
@TaskType("allocate")
public final class AllocatingHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) throws InterruptedException {
        int megabytes = context.payload().path("mb").asInt(1);
        Object[] held = new Object[megabytes];
        boolean direct = context.payload().path("direct").asBoolean(false);
        for (int i = 0; i < megabytes; i++) {
            if (direct) {
                // allocateDirect zeroes the buffer, which touches every page
                held[i] = ByteBuffer.allocateDirect(1024 * 1024);
            } else {
                byte[] block = new byte[1024 * 1024];
                Arrays.fill(block, (byte) 1);
                held[i] = block;
            }
        }
        Thread.sleep(context.payload().path("hold_ms").asLong(0));
        return Map.of("held_mb", held.length);
    }
}
