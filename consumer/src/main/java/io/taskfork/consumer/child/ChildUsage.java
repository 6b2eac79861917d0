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

    /** Milliseconds of CPU this JVM and its reaped children have used, or -1. */
    static long cpuMillis() {
        return timesMillis(TIME_FIELDS);
    }

    /** Milliseconds of CPU this JVM has used, its own threads only, or -1. */
    static long jvmCpuMillis() {
        return timesMillis(OWN_TIME_FIELDS);
    }

    /** The sum of the first {@code count} time fields, utime first, in milliseconds; -1 when unread. */
    private static long timesMillis(int count) {
        String stat = read("/proc/self/stat");
        int end = stat == null ? -1 : stat.lastIndexOf(')');
        if (end < 0) {
            return -1;
        }
        String[] fields = stat.substring(end + 2).split(" ");
        if (fields.length < FIRST_TIME_FIELD + count) {
            return -1;
        }
        long ticks = 0;
        try {
            for (int i = FIRST_TIME_FIELD; i < FIRST_TIME_FIELD + count; i++) {
                ticks += Long.parseLong(fields[i]);
            }
        } catch (NumberFormatException e) {
            // a kernel's stat laid out otherwise: no figure rather than no event
            return -1;
        }
        return ticks * 1000 / TICKS_PER_SECOND;
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
