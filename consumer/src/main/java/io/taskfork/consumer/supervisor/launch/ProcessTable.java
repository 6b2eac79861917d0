package io.taskfork.consumer.supervisor.launch;

import io.taskfork.consumer.child.ProcStat;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every process of the host at one moment, as {@code /proc/PID/stat} gives it: one read of one
 * small file a process, so that a look at all of them costs a millisecond or two of CPU.
 */
final class ProcessTable {

    /** One process: its parent, its session, when it started (which tells a reused PID), its resident memory. */
    record Entry(long pid, long parent, long session, long startTicks, long residentBytes, String name) {
    }

    private final Map<Long, Entry> byPid;
    private final Map<Long, List<Entry>> byParent = new HashMap<>();

    private ProcessTable(Map<Long, Entry> byPid) {
        this.byPid = byPid;
        byPid.values().forEach(entry -> byParent.computeIfAbsent(entry.parent(), parent -> new ArrayList<>()).add(entry));
    }

    static ProcessTable read(long pageBytes) {
        Map<Long, Entry> entries = new HashMap<>();
        String[] names = new File("/proc").list();
        if (names != null) {
            byte[] buffer = new byte[1024];
            for (String name : names) {
                if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                    Entry entry = entry(name, buffer, pageBytes);
                    if (entry != null) {
                        entries.put(entry.pid(), entry);
                    }
                }
            }
        }
        return new ProcessTable(entries);
    }

    /**
     * The process {@code root}, every process descended from it, and, when {@code session} is true,
     * every other process of the session it leads. In a PID namespace whose first process descends
     * from {@code root}, every process of the namespace descends from it too: an orphan there is
     * re-parented to that first process, not to the host's init.
     */
    List<Entry> tree(long root, boolean session) {
        List<Entry> members = new ArrayList<>();
        Entry top = byPid.get(root);
        if (top == null) {
            return members;
        }
        members.add(top);
        for (int next = 0; next < members.size(); next++) {
            members.addAll(byParent.getOrDefault(members.get(next).pid(), List.of()));
        }
        if (session) {
            java.util.Set<Long> found = new java.util.HashSet<>();
            members.forEach(member -> found.add(member.pid()));
            for (Entry entry : byPid.values()) {
                if (entry.session() == root && found.add(entry.pid())) {
                    members.add(entry);
                }
            }
        }
        return members;
    }

    /** Proportional set size: resident memory with each shared page divided among its sharers; -1 when gone. */
    static long proportionalBytes(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", Long.toString(pid),
                    "smaps_rollup"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.substring(4).replace("kB", "").trim()) << 10;
                }
            }
        } catch (IOException | RuntimeException gone) {
            // ended since the look, or a kernel without smaps_rollup
        }
        return -1;
    }

    /**
     * The first child of a single-threaded process, as the kernel lists a thread's children; empty
     * for none; null when the list cannot be read (the process is gone, or the kernel keeps none).
     */
    static String firstChild(long pid, byte[] buffer) {
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

    private static Entry entry(String pid, byte[] buffer, long pageBytes) {
        return entryIn("/proc", pid, buffer, pageBytes);
    }

    /**
     * Process {@code pid} as the {@code /proc} mounted at {@code proc} shows it (a PID namespace's
     * own, say); null for a process that ended meanwhile, or a zombie, which holds no memory.
     */
    static Entry entryIn(String proc, String pid, byte[] buffer, long pageBytes) {
        // after the name: state ppid pgrp session tty tpgid flags 4×faults 4×times priority nice
        // threads itrealvalue starttime vsize rss
        ProcStat stat = ProcStat.readIn(proc + "/" + pid, buffer, 23);
        if (stat == null || stat.fields()[0].equals("Z")) {
            return null;
        }
        String[] fields = stat.fields();
        try {
            return new Entry(Long.parseLong(pid), Long.parseLong(fields[1]), Long.parseLong(fields[3]),
                    Long.parseLong(fields[19]), Long.parseLong(fields[21]) * pageBytes, stat.name());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
