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

    // USER_HZ, the unit of times in /proc/PID/stat: 100 on every Linux architecture Java runs on.
    private static final long TICKS_PER_SECOND = 100;
    // Fields 14-17 of /proc/PID/stat: utime, stime, cutime, cstime; counted after the ")" of field 2.
    private static final int FIRST_TIME_FIELD = 11;
    private static final int TIME_FIELDS = 4;
    // utime and stime alone: this JVM's own threads, not what it ran
    private static final int OWN_TIME_FIELDS = 2;

    private ChildUsage() {
    }

    /**
     * Milliseconds of CPU used so far, from one read of {@code /proc/self/stat}: {@code own} by this
     * JVM's threads, {@code withChildren} with the processes it ran and reaped too; -1 each when unread.
     */
    record Cpu(long ownMillis, long withChildrenMillis) {
    }

    static Cpu cpu() {
        Cpu unread = new Cpu(-1, -1);
        String stat = read("/proc/self/stat");
        int end = stat == null ? -1 : stat.lastIndexOf(')');
        if (end < 0) {
            return unread;
        }
        String[] fields = stat.substring(end + 2).split(" ");
        if (fields.length < FIRST_TIME_FIELD + TIME_FIELDS) {
            return unread;
        }
        long own = 0;
        long all = 0;
        try {
            for (int i = 0; i < TIME_FIELDS; i++) {
                long ticks = Long.parseLong(fields[FIRST_TIME_FIELD + i]);
                own += i < OWN_TIME_FIELDS ? ticks : 0;
                all += ticks;
            }
        } catch (NumberFormatException e) {
            // a kernel's stat laid out otherwise: no figure rather than no event
            return unread;
        }
        return new Cpu(own * 1000 / TICKS_PER_SECOND, all * 1000 / TICKS_PER_SECOND);
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
