package io.taskfork.consumer.supervisor.launch;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether the {@code /proc} of a task's namespace is one the task cannot have made: a task that is
 * root in its namespaces can mount a directory of its own making there, with a copy of the first
 * process's {@code stat} in it, and hide every other process behind it. The namespace's first
 * process's {@code mountinfo}, read through the host's {@code /proc}, is the kernel's own account of
 * that mount namespace, which nothing in it can forge: the mount a path meets at {@code /proc} must
 * be a whole {@code proc}, with nothing mounted on it or anywhere inside it. A {@code proc} of another PID
 * namespace there shows another first process, which {@link NamespaceMemory} checks by its start time.
 */
final class ProcMount {

    private static final String PROC = "/proc";
    // The fields of a mountinfo line: mount ID, parent ID, major:minor, root, mount point, ...
    private static final int ID = 0;
    private static final int PARENT = 1;
    private static final int ROOT = 3;
    private static final int MOUNT_POINT = 4;
    // optional fields follow the mount point's options and end with a lone "-"; the file system type is next
    private static final int FIRST_OPTIONAL = 6;

    private ProcMount() {
    }

    /**
     * The mount table at {@code mountinfo} (a {@code /proc/PID/mountinfo}) when it shows an intact
     * {@code /proc}, else null. A table equal to {@code known}, one found intact before, is not parsed
     * again: a task's mounts seldom change, and the looks come four times a second.
     */
    static byte[] intactIn(String mountinfo, byte[] known) {
        byte[] table;
        try (FileInputStream in = new FileInputStream(mountinfo)) {
            table = in.readAllBytes();
        } catch (IOException gone) {
            return null;
        }
        return Arrays.equals(table, known) || intact(new String(table, StandardCharsets.ISO_8859_1)) ? table : null;
    }

    /**
     * Whether the mount that a path through {@code /proc} meets is a whole {@code proc} (its root is
     * the file system's own) with nothing mounted on it or inside it. A path from the first process's
     * root meets the mounts stacked at {@code /proc} on that root's own mount, each on the one before:
     * the host's {@code /proc} copied into the namespace, then the namespace's own. A mount elsewhere
     * that also shows as {@code /proc} (on a file system mounted over {@code /}, which the first
     * process's root does not see) is no part of that stack.
     */
    static boolean intact(String mountinfo) {
        List<Mount> mounts = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.split(" ");
            if (fields.length > FIRST_OPTIONAL) {
                mounts.add(new Mount(fields[ID], fields[PARENT], fields[ROOT], fields[MOUNT_POINT], type(fields)));
                ids.add(fields[ID]);
            }
        }
        // the root's own mount: the one at / whose parent lies outside the first process's view
        List<Mount> roots = mounts.stream().filter(m -> m.point().equals("/") && !ids.contains(m.parent())).toList();
        if (roots.size() != 1) {
            return false;
        }
        Mount top = roots.get(0);
        while (true) {
            String under = top.id();
            List<Mount> on = mounts.stream().filter(m -> m.parent().equals(under) && m.point().equals(PROC)).toList();
            if (on.size() > 1) {
                return false; // side by side: which one a path meets is not clear here
            }
            if (on.isEmpty()) {
                break;
            }
            top = on.get(0);
        }
        String found = top.id();
        return top.point().equals(PROC) && top.type().equals("proc") && top.root().equals("/")
                && mounts.stream().noneMatch(m -> m.parent().equals(found));
    }

    private record Mount(String id, String parent, String root, String point, String type) {
    }

    private static String type(String[] fields) {
        for (int field = FIRST_OPTIONAL; field < fields.length - 1; field++) {
            if (fields[field].equals("-")) {
                return fields[field + 1];
            }
        }
        return "";
    }
}
