package io.taskfork.consumer.supervisor.launch;

import io.taskfork.consumer.child.ProcStat;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A contained task's resident memory, read from its PID namespace's own {@code /proc}: the files of
 * the task's few processes, where {@link ProcessTable} reads those of every process of the host.
 * The namespace's first process has it mounted, and the host reaches it through that process's
 * root ({@code /proc/FIRST/root/proc}).
 */
final class NamespaceMemory {

    // after the name: state ... starttime (20th) vsize rss (22nd), as ProcessTable reads them
    private static final int FIELDS = 23;
    private static final int START_TIME = 19;
    private static final int RESIDENT_PAGES = 21;

    private final long pageBytes;
    private final byte[] buffer = new byte[1024];

    NamespaceMemory(long pageBytes) {
        this.pageBytes = pageBytes;
    }

    /**
     * The resident bytes of {@code pid}, the process the supervisor started, and of every process of
     * the namespace it made: the same processes as its tree in {@link ProcessTable}. -1 when they
     * cannot be read this way: the process is gone, it made no namespace, or the namespace's
     * {@code /proc} is not mounted yet.
     */
    long residentBytes(long pid) {
        ProcStat started = ProcStat.readIn("/proc/" + pid, buffer, FIELDS);
        if (started == null) {
            return -1;
        }
        String first = firstChild(pid);
        if (first == null) {
            return -1;
        }
        if (first.isEmpty()) {
            // the namespace is not made yet: the started process is the task's only one
            return resident(started);
        }
        ProcStat firstOutside = ProcStat.readIn("/proc/" + first, buffer, FIELDS);
        String inside = "/proc/" + first + "/root/proc";
        ProcStat firstInside = ProcStat.readIn(inside + "/1", buffer, FIELDS);
        // Until the first process mounts the namespace's /proc, its root shows the host's, whose PID 1 is another process.
        if (firstOutside == null || firstInside == null
                || !firstInside.fields()[START_TIME].equals(firstOutside.fields()[START_TIME])) {
            return -1;
        }
        String[] names = new java.io.File(inside).list();
        if (names == null) {
            return -1;
        }
        long sum = resident(started);
        for (String name : names) {
            if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                ProcStat process = ProcStat.readIn(inside + "/" + name, buffer, FIELDS);
                // zombies hold no memory; a process that ended meanwhile holds none either
                if (process != null && !process.fields()[0].equals("Z")) {
                    sum += resident(process);
                }
            }
        }
        return sum;
    }

    private long resident(ProcStat stat) {
        try {
            return Long.parseLong(stat.fields()[RESIDENT_PAGES]) * pageBytes;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The one child of a single-threaded process, as the kernel lists a thread's children; empty for
     * none; null when the list cannot be read (the process is gone, or the kernel keeps no such lists).
     */
    private String firstChild(long pid) {
        int length;
        try (FileInputStream children = new FileInputStream("/proc/" + pid + "/task/" + pid + "/children")) {
            length = children.read(buffer);
        } catch (IOException gone) {
            return null;
        }
        String text = length <= 0 ? "" : new String(buffer, 0, length, StandardCharsets.ISO_8859_1).trim();
        int space = text.indexOf(' ');
        return space < 0 ? text : text.substring(0, space);
    }
}
