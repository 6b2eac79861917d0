package io.taskfork.shared.config;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code TASKFORK_TASK_MEMORY}: the most memory all of one task's processes may hold together.
 *
 * <p>{@code auto}, the default, gives each task an equal share of the host with one share left over:
 * the host's memory divided by {@code PREFETCH + 1}. With every child at its cap, a share remains
 * for the supervisor, the system and the page cache, so no task, and not all of them together, can
 * take the host's memory, and the kernel's OOM killer has no cause to pick the supervisor.
 *
 * @param auto  the cap follows the host's memory and the prefetch
 * @param bytes the cap when it is a size; 0 when it is off
 */
public record TaskMemory(boolean auto, long bytes) {

    /** Below this a child JVM cannot even start; a smaller cap would kill every task. */
    static final long MIN_BYTES = 64L << 20;

    public static final TaskMemory OFF = new TaskMemory(false, 0);

    /** The cap in bytes for a host with {@code hostBytes} of memory running {@code prefetch} children; 0 when off. */
    public long capBytes(long hostBytes, int prefetch) {
        return auto ? Math.max(MIN_BYTES, hostBytes / (prefetch + 1)) : bytes;
    }

    /**
     * What to warn of when {@code capBytes} leaves a child JVM less than 64 MiB beside a heap of {@code heap}
     * (TASKFORK_CHILD_HEAP): its code, metaspace and threads take about that, so a task that fills its heap
     * would be killed as {@code memory} before its JVM could end it as {@code oom}. None when there is room.
     */
    public static Optional<String> tightFor(long capBytes, String heap) {
        long heapBytes = Values.parseSize(heap);
        if (capBytes <= 0 || capBytes >= heapBytes + MIN_BYTES) {
            return Optional.empty();
        }
        return Optional.of("TASKFORK_TASK_MEMORY of " + (capBytes >> 20) + " MiB leaves a child JVM less"
                + " than 64 MiB beside its heap (TASKFORK_CHILD_HEAP=" + heap + "): a task that fills its heap is killed"
                + " as memory before its JVM can end it as oom; give it at least " + ((heapBytes + MIN_BYTES) >> 20)
                + " MiB, or a smaller heap");
    }

    static TaskMemory parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("off")) {
            return OFF;
        }
        if (value.equals("auto")) {
            return new TaskMemory(true, 0);
        }
        long bytes;
        try {
            bytes = Values.parseSize(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a size such as 300m or 2g, auto or off");
        }
        if (bytes < MIN_BYTES) {
            throw new IllegalArgumentException("expected at least 64m, which a child JVM needs to start, or off");
        }
        return new TaskMemory(false, bytes);
    }
}
