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
 * with {@code {"ms": N}}, it sleeps N milliseconds first; with {@code {"cpu_ms": N}}, it computes until
 * its JVM has used N more milliseconds of CPU.
 */
@TaskType("jit-probe")
public final class JitProbeHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) throws InterruptedException, IOException {
        Thread.sleep(context.payload().path("ms").asLong(0));
        long busyUntil = jvmCpuMillis() + context.payload().path("cpu_ms").asLong(0);
        long spin = 0;
        while (jvmCpuMillis() < busyUntil) {
            for (int i = 0; i < 1_000_000; i++) {
                spin += i ^ spin;
            }
        }
        // the command line as the kernel keeps it, NUL-separated: cheaper than the management beans or
        // NIO's first use, either of which would keep the handler from returning quickly
        String commandLine;
        try (FileInputStream cmdline = new FileInputStream("/proc/self/cmdline")) {
            commandLine = new String(cmdline.readAllBytes(), StandardCharsets.UTF_8);
        }
        boolean c1 = Arrays.asList(commandLine.split("\0")).contains("-XX:TieredStopAtLevel=1");
        return Map.of("c1", c1, "spin", spin);
    }

    /** The JVM's user and system time, from /proc/self/stat, in milliseconds (clock ticks of 10 ms). */
    private static long jvmCpuMillis() throws IOException {
        String stat;
        try (FileInputStream in = new FileInputStream("/proc/self/stat")) {
            stat = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }
}
