package io.taskfork.consumer.supervisor.launch;

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
        ProcessTable.Entry started = ProcessTable.entryIn("/proc", Long.toString(pid), buffer, pageBytes);
        if (started == null) {
            return -1;
        }
        String first = firstChild(pid);
        if (first == null) {
            return -1;
        }
        if (first.isEmpty()) {
            // the namespace is not made yet: the started process is the task's only one
            return started.residentBytes();
        }
        ProcessTable.Entry firstOutside = ProcessTable.entryIn("/proc", first, buffer, pageBytes);
        String inside = "/proc/" + first + "/root/proc";
        ProcessTable.Entry firstInside = ProcessTable.entryIn(inside, "1", buffer, pageBytes);
        // Until the first process mounts the namespace's /proc, its root shows the host's, whose PID 1 is another process.
        if (firstOutside == null || firstInside == null || firstInside.startTicks() != firstOutside.startTicks()) {
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
        return sum;
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
