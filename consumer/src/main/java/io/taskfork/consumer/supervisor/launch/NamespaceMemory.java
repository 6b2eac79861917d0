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
    // The namespace's first process as the host saw it once its /proc was mounted: two reads fewer at
    // every later look. Each look still checks that the /proc it reads is that process's namespace's.
    private final Map<Long, FirstProcess> firsts = new ConcurrentHashMap<>();

    /** The first process of a child's namespace: its PID on the host, and when it started. */
    private static final class FirstProcess {
        final String pid;
        final long startTicks;
        // where the namespace's /proc is seen from the host
        final String proc;
        // where the host shows the first process's mount table, which nothing in the namespace can forge
        final String mountinfo;
        // that table as it was at the last look that found it intact
        byte[] intactTable;

        FirstProcess(String pid, long startTicks) {
            this.pid = pid;
            this.startTicks = startTicks;
            this.proc = "/proc/" + pid + "/root/proc";
            this.mountinfo = "/proc/" + pid + "/mountinfo";
        }
    }

    NamespaceMemory(long pageBytes) {
        this.pageBytes = pageBytes;
    }

    /**
     * The resident bytes of {@code pid}, the process the supervisor started, and of every process of
     * the namespace it made: the same processes as its tree in {@link ProcessTable}. Only the started
     * process's own when the namespace is not made yet or its first process has ended (the kernel
     * ends the rest of the namespace before it), and 0 when the started process has ended. -1 when
     * they cannot be read this way: it made no namespace, the namespace's {@code /proc} is not
     * mounted yet, or something else is mounted there.
     */
    long residentBytes(long pid) {
        ProcessTable.Entry started = ProcessTable.entryIn("/proc", Long.toString(pid), buffer, pageBytes);
        if (started == null) {
            // ended, or a zombie: it holds nothing, and the namespace's first process dies with it
            return 0;
        }
        FirstProcess first = firsts.get(pid);
        if (first == null) {
            String name = ProcessTable.firstChild(pid, buffer);
            if (name == null) {
                // ended since, or a kernel that keeps no list of children: the host's table knows
                return -1;
            }
            if (name.isEmpty()) {
                // the namespace is not made yet: the started process is the task's only one
                return started.residentBytes();
            }
            ProcessTable.Entry outside = ProcessTable.entryIn("/proc", name, buffer, pageBytes);
            if (outside == null) {
                return started.residentBytes();
            }
            first = new FirstProcess(name, outside.startTicks());
            firsts.putIfAbsent(pid, first);
        }
        long inside = insideBytes(pid, first);
        if (inside >= 0) {
            return started.residentBytes() + inside;
        }
        // A child's end is read here at almost every look that meets it: its namespace is then gone,
        // and the host's whole table need not be read to find nothing.
        return ProcessTable.entryIn("/proc", first.pid, buffer, pageBytes) == null ? started.residentBytes() : -1;
    }

    /** The namespace's processes' resident bytes, read from its own /proc; -1 when they cannot be read there. */
    private long insideBytes(long pid, FirstProcess first) {
        String inside = first.proc;
        ProcessTable.Entry firstInside = ProcessTable.entryIn(inside, "1", buffer, pageBytes);
        // Until the first process mounts the namespace's /proc, its root shows the host's, whose PID 1 is
        // another process; so it does if that PID ends and is reused.
        if (firstInside == null || firstInside.startTicks() != first.startTicks) {
            firsts.remove(pid);
            return -1;
        }
        String[] names = new java.io.File(inside).list();
        if (names == null) {
            return -1;
        }
        long sum = firstInside.residentBytes();
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
        first.intactTable = ProcMount.intactIn(first.mountinfo, first.intactTable);
        return first.intactTable != null ? sum : -1;
    }

    /** Forgets what was learnt of the namespace of {@code pid}, a child that has ended. */
    void forget(long pid) {
        firsts.remove(pid);
    }
}
