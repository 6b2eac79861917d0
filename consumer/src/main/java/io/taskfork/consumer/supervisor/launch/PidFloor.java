package io.taskfork.consumer.supervisor.launch;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * The lowest PID a watched task's process can have. The kernel hands out PIDs in rising order, so
 * everything a child starts has a higher PID than the child, until the PIDs wrap around to the
 * bottom of their range. A look at the host's processes can then pass over every process below the
 * oldest child: most of a host's processes, the ones that were there before its tasks.
 *
 * <p>A wrap may have happened between two looks when the last PID handed out went down, or when
 * enough PIDs were handed out to go round the whole range: a full round takes, counting the threads
 * alive at the look before (whose PIDs it skips), at least {@code pid_max} less the 300 reserved
 * PIDs. Threads count as forks, so a task cannot go round unseen by making threads either. A child
 * started before the last possible wrap may have descendants below it: while one is watched the
 * floor is 0, as it is when the kernel's counters cannot be read. They are read at every look, with
 * or without tasks. A wrap in the midst of a look is seen at the next one. A task able to choose its
 * PIDs in the host's PID namespace ({@code clone3} with {@code set_tid}) is root on the host, beyond
 * any cap.
 */
final class PidFloor {

    /** What the kernel says of its PIDs at one moment. */
    record Counters(long lastPid, long threads, long forks, long pidMax) {
    }

    static final Supplier<Counters> KERNEL = PidFloor::read;
    private static final long RESERVED_PIDS = 300;

    private final Supplier<Counters> counters;
    private Counters last;
    private long wrapSeenNanos;

    /** @param counters the kernel's counters now, or null when they cannot be read */
    PidFloor(Supplier<Counters> counters) {
        this.counters = counters;
    }

    /** A child of a watched task: its PID, and {@link System#nanoTime} just before it was started. */
    record Child(long pid, long startedNanos) {
    }

    /**
     * The lowest PID any of {@code children}, or anything they started, can have; 0 when any of
     * them may have started before the PIDs wrapped around, or when that cannot be told. Called
     * once a look, by one thread.
     */
    long floor(Collection<Child> children) {
        Counters now = counters.get();
        // With nothing to compare with (the first look, or one after the counters could not be
        // read), a wrap is taken to have happened: children started before now get no floor.
        if (now == null || last == null || mayHaveWrapped(last, now)) {
            wrapSeenNanos = System.nanoTime();
        }
        last = now;
        if (now == null) {
            return 0;
        }
        long floor = Long.MAX_VALUE;
        for (Child child : children) {
            if (child.startedNanos() - wrapSeenNanos <= 0) {
                return 0;
            }
            floor = Math.min(floor, child.pid());
        }
        return floor == Long.MAX_VALUE ? 0 : floor;
    }

    private static boolean mayHaveWrapped(Counters before, Counters now) {
        return now.lastPid() < before.lastPid()
                || now.forks() - before.forks() + before.threads() >= now.pidMax() - RESERVED_PIDS;
    }

    // /proc/loadavg ends "running/threads lastPid"; /proc/stat has a line "processes forks".
    private static Counters read() {
        String loadavg = text("/proc/loadavg", 256);
        String stat = text("/proc/stat", 64 << 10);
        String pidMax = text("/proc/sys/kernel/pid_max", 32);
        if (loadavg == null || stat == null || pidMax == null) {
            return null;
        }
        try {
            String[] fields = loadavg.trim().split(" ");
            int line = stat.indexOf("\nprocesses ");
            if (fields.length < 5 || line < 0) {
                return null;
            }
            int end = stat.indexOf('\n', line + 1);
            String forks = stat.substring(line + "\nprocesses ".length(), end < 0 ? stat.length() : end);
            return new Counters(Long.parseLong(fields[4]),
                    Long.parseLong(fields[3].substring(fields[3].indexOf('/') + 1)),
                    Long.parseLong(forks.trim()), Long.parseLong(pidMax.trim()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String text(String path, int most) {
        byte[] buffer = new byte[most];
        try (FileInputStream in = new FileInputStream(path)) {
            int length = 0;
            for (int read; length < most && (read = in.read(buffer, length, most - length)) > 0; ) {
                length += read;
            }
            return new String(buffer, 0, length, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }
}
