package io.taskfork.consumer.supervisor.launch;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether the {@code /proc} of a task's namespace is one the task cannot have made: a task that is
 * root in its namespaces can mount a directory of its own making there, with a copy of the first
 * process's {@code stat} in it, and hide every other process behind it. The namespace's first
 * process's {@code mountinfo}, read through the host's {@code /proc}, is the kernel's own account of
 * that mount namespace, which nothing in it can forge: the mount seen at {@code /proc} must be a
 * {@code proc}, with nothing mounted on it or anywhere inside it. A {@code proc} of another PID
 * namespace there shows another first process, which {@link NamespaceMemory} checks by its start time.
 */
final class ProcMount {

    private static final String PROC = "/proc";
    // The fields of a mountinfo line: mount ID, parent ID, major:minor, root, mount point, ...
    private static final int ID = 0;
    private static final int PARENT = 1;
    private static final int MOUNT_POINT = 4;
    // optional fields follow the mount point's options and end with a lone "-"; the file system type is next
    private static final int FIRST_OPTIONAL = 6;

    private final ByteArrayOutputStream text = new ByteArrayOutputStream(4096);
    private final byte[] buffer = new byte[4096];

    /**
     * The mount table at {@code mountinfo} (a {@code /proc/PID/mountinfo}) when it shows an intact
     * {@code /proc}, else null. A table equal to {@code known}, one found intact before, is not parsed
     * again: a task's mounts seldom change, and the looks come four times a second.
     */
    byte[] intactIn(String mountinfo, byte[] known) {
        text.reset();
        try (FileInputStream in = new FileInputStream(mountinfo)) {
            int length;
            while ((length = in.read(buffer)) > 0) {
                text.write(buffer, 0, length);
            }
        } catch (IOException gone) {
            return null;
        }
        byte[] table = text.toByteArray();
        return Arrays.equals(table, known) || intact(new String(table, StandardCharsets.ISO_8859_1)) ? table : null;
    }

    /**
     * Whether the mount that a path through {@code /proc} meets is a {@code proc} with nothing mounted
     * on it or inside it: the one mount at {@code /proc} that is no mount's parent. Beneath it lie the
     * host's own {@code /proc} and what the host mounted inside that, copied into the namespace.
     */
    static boolean intact(String mountinfo) {
        Set<String> parents = new HashSet<>();
        Map<String, String> typesAtProc = new HashMap<>();
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.split(" ");
            if (fields.length > FIRST_OPTIONAL) {
                parents.add(fields[PARENT]);
                if (fields[MOUNT_POINT].equals(PROC)) {
                    typesAtProc.put(fields[ID], type(fields));
                }
            }
        }
        List<String> childless = typesAtProc.entrySet().stream()
                .filter(mount -> !parents.contains(mount.getKey())).map(Map.Entry::getValue).toList();
        // none: something is mounted on or inside the top one; two: side by side, and which one a path meets is unclear
        return childless.size() == 1 && childless.get(0).equals("proc");
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
