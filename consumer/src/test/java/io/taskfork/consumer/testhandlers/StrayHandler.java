package io.taskfork.consumer.testhandlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.io.File;

/**
 * {@code stray}: starts {@code sleep {"seconds": "N"}} (text, so that a test can mark it with a fraction) with its stdout on the child's events pipe, as a
 * process forked by a native library could hold it, prints "stray pid P" and kills its own JVM with
 * exit code 5, leaving the sleep behind.
 */
@TaskType("stray")
public final class StrayHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) throws Exception {
        Process stray = new ProcessBuilder("sleep", context.payload().path("seconds").asText("30"))
                .redirectOutput(new File("/proc/self/fd/3"))
                .start();
        System.err.println("stray pid " + stray.pid());
        System.err.flush();
        Runtime.getRuntime().halt(5);
        return null;
    }
}
