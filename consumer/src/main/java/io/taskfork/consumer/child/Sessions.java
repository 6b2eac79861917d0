package io.taskfork.consumer.child;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes of a child's session, which the supervisor gives each child of its own (setsid).
 * A process whose parent died is re-parented and no longer anyone's descendant, but it stays in its
 * session unless it leaves on purpose (setsid): the session still names what a task left running.
 * Reading them costs a look at every process in {@code /proc}, a few milliseconds of CPU.
 */
public final class Sessions {

    // Enough for a process that forks while its session is being killed; a fork bomb is not the
    // threat here, a forgotten background process is.
    private static final int KILL_ROUNDS = 3;

    private Sessions() {
    }

    /**
     * SIGKILLs every process of session {@code sessionId} but its leader. Linux does not reuse a
     * session's ID while any process is in it; an empty one would have to be reused between the
     * leader's end and this look.
     */
    public static void killAllButLeader(long sessionId) {
        for (int round = 0; round < KILL_ROUNDS; round++) {
            List<Long> members = members(sessionId);
            if (members.isEmpty()) {
                return;
            }
            members.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    /** Whether this process leads a session of its own; only then is its session the task's alone. */
    public static boolean leadsOwnSession() {
        long self = ProcessHandle.current().pid();
        String[] fields = statFields(Long.toString(self));
        return fields != null && fields[3].equals(Long.toString(self));
    }

    /** The live processes of session {@code sessionId} other than its leader; zombies run nothing. */
    private static List<Long> members(long sessionId) {
        List<Long> members = new ArrayList<>();
        String session = Long.toString(sessionId);
        String[] entries = new File("/proc").list();
        if (entries == null) {
            return members;
        }
        for (String entry : entries) {
            if (entry.isEmpty() || !Character.isDigit(entry.charAt(0)) || entry.equals(session)) {
                continue;
            }
            String[] fields = statFields(entry);
            // after the command's name: state, parent, process group, session
            if (fields != null && !fields[0].equals("Z") && fields[3].equals(session)) {
                members.add(Long.parseLong(entry));
            }
        }
        return members;
    }

    /** The fields of /proc/PID/stat after the command's name, up to the session; null for a process gone. */
    private static String[] statFields(String pid) {
        ProcStat stat = ProcStat.read(pid, new byte[512], 5);
        return stat == null ? null : stat.fields();
    }
}
