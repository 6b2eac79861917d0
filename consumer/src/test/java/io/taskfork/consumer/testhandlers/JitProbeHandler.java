package io.taskfork.consumer.testhandlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code jit-probe}: whether its JVM runs C1 alone ({@code -XX:TieredStopAtLevel=1} among its flags);
 * with {@code {"ms": N}}, it returns only after N milliseconds.
 */
@TaskType("jit-probe")
public final class JitProbeHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) throws InterruptedException, IOException {
        Thread.sleep(context.payload().path("ms").asLong(0));
        // the command line as the kernel keeps it, NUL-separated: cheaper than the management beans or
        // NIO's first use, either of which would keep the handler from returning quickly
        String commandLine;
        try (FileInputStream cmdline = new FileInputStream("/proc/self/cmdline")) {
            commandLine = new String(cmdline.readAllBytes(), StandardCharsets.UTF_8);
        }
        boolean c1 = Arrays.asList(commandLine.split("\0")).contains("-XX:TieredStopAtLevel=1");
        return Map.of("c1", c1);
    }
}
