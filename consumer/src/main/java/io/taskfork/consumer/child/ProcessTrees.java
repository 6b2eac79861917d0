package io.taskfork.consumer.child;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Kills a process together with everything it started. */
final class ProcessTrees {

    // Enough for a process that forks while its session is being killed; a fork bomb is not the
    // threat here, a forgotten background process is.
    private static final int SESSION_ROUNDS = 3;

    private ProcessTrees() {
    }

    /**
     * SIGKILLs the descendants, then the process. Descendants are listed before the parent dies,
     * because once it is gone they are re-parented and no longer found as its descendants.
     */
    static void kill(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * SIGKILLs every process left in session {@code sessionId} but its leader: what a child that is
     * gone left running. Those processes were re-parented when their parent died, so they are no
     * longer anyone's descendants; the session, which they keep unless they leave it on purpose
     * (setsid), still names them. Linux does not reuse a session's ID while any process is in it;
     * an empty one would have to be reused between the child's end and this look. Reads
     * {@code /proc}, a few milliseconds of CPU: meant for children that did not end on their own terms.
     */
    static void killSession(long sessionId) {
        for (int round = 0; round < SESSION_ROUNDS; round++) {
            List<Long> members = sessionMembers(sessionId);
            if (members.isEmpty()) {
                return;
            }
            members.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    /** The live processes of session {@code sessionId} other than its leader; zombies run nothing. */
    private static List<Long> sessionMembers(long sessionId) {
        List<Long> members = new ArrayList<>();
        String[] entries = new File("/proc").list();
        if (entries == null) {
            return members;
        }
        for (String entry : entries) {
            if (entry.isEmpty() || !Character.isDigit(entry.charAt(0)) || entry.equals(Long.toString(sessionId))) {
                continue;
            }
            String[] fields = statFields(entry);
            // after the command's name: state, ppid, process group, session
            if (fields != null && !fields[0].equals("Z") && fields[3].equals(Long.toString(sessionId))) {
                members.add(Long.parseLong(entry));
            }
        }
        return members;
    }

    /** The fields of /proc/PID/stat after the command's name, which may itself hold spaces and parentheses. */
    private static String[] statFields(String pid) {
        byte[] buffer = new byte[512];
        int length;
        try (FileInputStream stat = new FileInputStream("/proc/" + pid + "/stat")) {
            length = stat.read(buffer);
        } catch (IOException gone) {
            return null;
        }
        if (length <= 0) {
            return null;
        }
        String text = new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
        int nameEnd = text.lastIndexOf(')');
        if (nameEnd < 0 || nameEnd + 2 >= text.length()) {
            return null;
        }
        String[] fields = text.substring(nameEnd + 2).split(" ", 5);
        return fields.length < 5 ? null : fields;
    }
}
