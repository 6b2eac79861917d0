package io.taskfork.consumer.supervisor.launch;

import io.taskfork.consumer.NamedThreads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds every running task to {@code TASKFORK_TASK_MEMORY}: one thread looks at the tasks' processes
 * every 250 ms (every 50 ms while a task holds more than half its cap, not at all while none runs)
 * and sums each task's resident memory, its child JVM's and that of everything the JVM ran. The
 * supervisor is no task's process, so its own memory counts toward no cap. See {@link MemoryBudget}
 * for when a task is over it.
 */
final class MemoryWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryWatch.class);
    static final long PERIOD_MS = 250;
    private static final long CLOSE_PERIOD_MS = 50;

    private final long capBytes;
    private final boolean sessionToo;
    private final boolean namespaced;
    private final long pageBytes = pageBytes();
    private final NamespaceMemory namespaces = new NamespaceMemory(pageBytes);
    private final Set<MemoryBudget> watched = ConcurrentHashMap.newKeySet();
    // Set while no task is watched and no look is scheduled: the next watch schedules one.
    private final AtomicBoolean resting = new AtomicBoolean();
    private final ScheduledExecutorService looks =
            Executors.newSingleThreadScheduledExecutor(NamedThreads.of("memory-watch", true));

    /**
     * Counts the processes of the child's session as well as its descendants where an orphan leaves
     * the tree but stays in the session (a child started through a shell, without a namespace), and
     * reads a namespace's own {@code /proc} where the child has one.
     */
    MemoryWatch(long capBytes, Containment containment) {
        this.capBytes = capBytes;
        this.sessionToo = !containment.keepsTree();
        this.namespaced = containment.namespace();
        resting.set(true);
    }

    long capBytes() {
        return capBytes;
    }

    /** Starts holding the task whose child is {@code process} to the cap; {@code kill} ends it when it is over. */
    MemoryBudget watch(Process process, java.util.function.Consumer<String> kill) {
        MemoryBudget task = new MemoryBudget(process.pid(), capBytes, kill);
        watched.add(task);
        if (resting.compareAndSet(true, false)) {
            schedule(PERIOD_MS);
        }
        return task;
    }

    void forget(MemoryBudget task) {
        watched.remove(task);
        namespaces.forget(task.pid());
    }

    @Override
    public void close() {
        looks.shutdownNow();
    }

    // A failed look must not end the looking: the next one may succeed.
    private void lookSafely() {
        long next = PERIOD_MS;
        try {
            next = look();
        } catch (RuntimeException e) {
            LOG.warn("could not look at the tasks' memory: {}", e.toString());
        } finally {
            if (!rest()) {
                schedule(next);
            }
        }
    }

    /**
     * Rests when no task is watched: no wake-ups while none runs. A watch that came meanwhile, seen
     * again here or seeing the rest itself, schedules the next look; true when this look schedules none.
     */
    private boolean rest() {
        if (!watched.isEmpty()) {
            return false;
        }
        resting.set(true);
        return watched.isEmpty() || !resting.compareAndSet(true, false);
    }

    private void schedule(long delayMs) {
        try {
            looks.schedule(this::lookSafely, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // the supervisor is stopping: no more looks
        }
    }

    /** One look at every watched task; returns when to look next. */
    private long look() {
        if (watched.isEmpty()) {
            return PERIOD_MS;
        }
        ProcessTable table = null;
        boolean close = false;
        for (MemoryBudget task : watched) {
            // A task in a namespace of its own and well under its cap is read from the namespace's
            // /proc: a few files, where the table is one for each process of the host. Nearer the
            // cap, the table names the processes and counts how long each has held its memory.
            long resident = namespaced ? namespaces.residentBytes(task.pid()) : -1;
            if (resident >= 0 && resident <= capBytes / 2) {
                task.glance(resident);
                continue;
            }
            if (table == null) {
                table = ProcessTable.read(pageBytes);
            }
            List<ProcessTable.Entry> members = table.tree(task.pid(), sessionToo);
            close |= task.look(members) > capBytes / 2;
        }
        return close ? CLOSE_PERIOD_MS : PERIOD_MS;
    }

    private static long pageBytes() {
        try {
            Process getconf = new ProcessBuilder("getconf", "PAGESIZE").redirectErrorStream(true).start();
            try (InputStream out = getconf.getInputStream()) {
                return Long.parseLong(new String(out.readAllBytes(), StandardCharsets.US_ASCII).trim());
            }
        } catch (IOException | NumberFormatException e) {
            return 4096;
        }
    }
}
