package io.taskfork.consumer.supervisor.launch;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.function.LongSupplier;

/**
 * The lowest PID a watched task's process can have. The kernel hands out PIDs in rising order, so
 * everything a child starts has a higher PID than the child, until the PIDs wrap around to the
 * bottom of their range. A look at the host's processes can then pass over every process below the
 * oldest child: most of a host's processes, the ones that were there before its tasks.
 *
 * <p>A wrap shows as the last PID handed out ({@code /proc/sys/kernel/ns_last_pid}) going down
 * between two looks: to go round the whole range between two, a host would have to start tens of
 * thousands of processes in a quarter of a second. A child started before the last wrap seen may
 * have descendants below it, so while one is watched the floor is 0, as it is when the last PID
 * cannot be read. It is read at every look, with or without tasks, so that no wrap goes unseen.
 */
final class PidFloor {

    static final LongSupplier KERNEL = PidFloor::lastPid;

    private final LongSupplier lastPid;
    private long lastSeen = -1;
    private long wrapSeenNanos;

    /** @param lastPid the last PID the kernel handed out, or -1 when it cannot be told */
    PidFloor(LongSupplier lastPid) {
        this.lastPid = lastPid;
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
        long now = lastPid.getAsLong();
        if (now < 0) {
            lastSeen = -1;
            return 0;
        }
        // with nothing to compare with (the first look, or one after the last PID could not be
        // read), a wrap is taken to have happened: children started before now get no floor
        if (lastSeen < 0 || now < lastSeen) {
            wrapSeenNanos = System.nanoTime();
        }
        lastSeen = now;
        long floor = Long.MAX_VALUE;
        for (Child child : children) {
            if (child.startedNanos() - wrapSeenNanos <= 0) {
                return 0;
            }
            floor = Math.min(floor, child.pid());
        }
        return floor == Long.MAX_VALUE ? 0 : floor;
    }

    private static long lastPid() {
        byte[] buffer = new byte[32];
        try (FileInputStream in = new FileInputStream("/proc/sys/kernel/ns_last_pid")) {
            int length = in.read(buffer);
            return length <= 0 ? -1 : Long.parseLong(new String(buffer, 0, length, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
