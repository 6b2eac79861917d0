package io.taskfork.consumer.child;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the child JVM has cost so far, read from the kernel's own accounts of it: CPU from
 * {@code /proc/self/stat} (user and system time of this JVM and of the processes it started and
 * reaped, such as an {@code exec} command, in clock ticks of 10 ms), and the peak resident memory of
 * this JVM from {@code VmHWM} in {@code /proc/self/status}. Read in the child itself, so even a task
 * of a few milliseconds gets its figures; -1 where the host has no such file.
 */
final class ChildUsage {

    private ChildUsage() {
    }

    /**
     * Milliseconds of CPU used so far, from one read of {@code /proc/self/stat}: {@code own} by this
     * JVM's threads, {@code withChildren} with the processes it ran and reaped too; -1 each when unread.
     */
    record Cpu(long ownMillis, long withChildrenMillis) {
    }

    static Cpu cpu() {
        ProcStat stat = ProcStat.read("self", new byte[1024], ProcStat.CPU_FIELDS);
        return stat == null ? new Cpu(-1, -1) : new Cpu(stat.cpuMillis(false), stat.cpuMillis(true));
    }

    /** The most resident memory this JVM has held, in bytes, or -1. */
    static long peakBytes() {
        String status = read("/proc/self/status");
        if (status == null) {
            return -1;
        }
        for (String line : status.split("\n")) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.substring("VmHWM:".length()).replace("kB", "").trim()) * 1024;
            }
        }
        return -1;
    }

    private static String read(String path) {
        try (FileInputStream in = new FileInputStream(path)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                bytes.write(buffer, 0, n);
            }
            return bytes.toString(StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
