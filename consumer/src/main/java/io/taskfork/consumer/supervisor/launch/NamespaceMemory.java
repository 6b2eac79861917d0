package io.taskfork.consumer.supervisor.launch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A contained task's resident memory, read from its PID namespace's own {@code /proc}: the files of
 * the task's few processes, where {@link ProcessTable} reads those of every process of the host.
 * The namespace's first process has it mounted, and the host reaches it through that process's
 * root ({@code /proc/FIRST/root/proc}). Each read is taken only when the first process's mount table
 * shows that {@code /proc} as no task could have made it ({@link ProcMount}).
 */
final class NamespaceMemory {

    private final long pageBytes;
    private final byte[] buffer = new byte[1024];
    private final ProcMount mounts = new ProcMount();
    // The namespace's first process as the host saw it once its /proc was mounted: two reads fewer at
    // every later look. Each look still checks that the /proc it reads is that process's namespace's.
    private final Map<Long, FirstProcess> firsts = new ConcurrentHashMap<>();

    /**
     * The first process of a child's namespace: where its /proc is seen from the host, where the host
     * shows its mount table, and when it started.
     */
    private record FirstProcess(String proc, String mountinfo, long startTicks) {
    }

    NamespaceMemory(long pageBytes) {
        this.pageBytes = pageBytes;
    }

    /**
     * The resident bytes of {@code pid}, the process the supervisor started, and of every process of
     * the namespace it made: the same processes as its tree in {@link ProcessTable}. -1 when they
     * cannot be read this way: the process is gone, it made no namespace, the namespace's
     * {@code /proc} is not mounted yet, or something else is mounted there.
     */
    long residentBytes(long pid) {
        ProcessTable.Entry started = ProcessTable.entryIn("/proc", Long.toString(pid), buffer, pageBytes);
        if (started == null) {
            return -1;
        }
        FirstProcess first = firsts.get(pid);
        if (first == null) {
            String name = ProcessTable.firstChild(pid, buffer);
            if (name == null) {
                return -1;
            }
            if (name.isEmpty()) {
                // the namespace is not made yet: the started process is the task's only one
                return started.residentBytes();
            }
            ProcessTable.Entry outside = ProcessTable.entryIn("/proc", name, buffer, pageBytes);
            if (outside == null) {
                return -1;
            }
            first = new FirstProcess("/proc/" + name + "/root/proc", "/proc/" + name + "/mountinfo",
                    outside.startTicks());
            firsts.putIfAbsent(pid, first);
        }
        String inside = first.proc();
        ProcessTable.Entry firstInside = ProcessTable.entryIn(inside, "1", buffer, pageBytes);
        // Until the first process mounts the namespace's /proc, its root shows the host's, whose PID 1 is
        // another process; so it does if that PID ends and is reused.
        if (firstInside == null || firstInside.startTicks() != first.startTicks()) {
            firsts.remove(pid);
            return -1;
        }
        String[] names = new java.io.File(inside).list();
        if (names == null) {
            return -1;
        }
        long sum = started.residentBytes() + firstInside.residentBytes();
        for (String name : names) {
            if (!name.isEmpty() && Character.isDigit(name.charAt(0)) && !name.equals("1")) {
                ProcessTable.Entry process = ProcessTable.entryIn(inside, name, buffer, pageBytes);
                // null: ended meanwhile, or a zombie; neither holds memory
                if (process != null) {
                    sum += process.residentBytes();
                }
            }
        }
        // After the reads: a task would have to put its /proc there and take it away again while
        // they ran, and do so at every look, to hide from them.
        return mounts.intactIn(first.mountinfo()) ? sum : -1;
    }

    /** Forgets what was learnt of the namespace of {@code pid}, a child that has ended. */
    void forget(long pid) {
        firsts.remove(pid);
    }
}
