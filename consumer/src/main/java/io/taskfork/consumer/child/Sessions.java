package io.taskfork.consumer.child;

import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
        killMembers(Set.of(Long.toString(sessionId)), Long.toString(sessionId));
    }

    /**
     * SIGKILLs every process of the sessions {@code sessionIds} but {@code spared}; never those of
     * this process's own session.
     */
    public static void killAll(Set<Long> sessionIds, long spared) {
        Set<String> sessions = new HashSet<>();
        sessionIds.forEach(id -> sessions.add(Long.toString(id)));
        String[] own = statFields(Long.toString(ProcessHandle.current().pid()));
        if (own != null) {
            sessions.remove(own[3]);
        }
        if (!sessions.isEmpty()) {
            killMembers(sessions, Long.toString(spared));
        }
    }

    private static void killMembers(Set<String> sessions, String spared) {
        for (int round = 0; round < KILL_ROUNDS; round++) {
            List<Long> members = members(sessions, spared);
            if (members.isEmpty()) {
                return;
            }
            members.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    /** The sessions of {@code processes}, those that are still there to be read. */
    public static Set<Long> of(List<ProcessHandle> processes) {
        Set<Long> sessions = new HashSet<>();
        for (ProcessHandle process : processes) {
            String[] fields = statFields(Long.toString(process.pid()));
            if (fields != null) {
                sessions.add(Long.parseLong(fields[3]));
            }
        }
        return sessions;
    }

    /** Whether this process leads a session of its own; only then is its session the task's alone. */
    public static boolean leadsOwnSession() {
        long self = ProcessHandle.current().pid();
        String[] fields = statFields(Long.toString(self));
        return fields != null && fields[3].equals(Long.toString(self));
    }

    /** The live processes of {@code sessions} other than {@code spared}; zombies run nothing. */
    private static List<Long> members(Set<String> sessions, String spared) {
        List<Long> members = new ArrayList<>();
        String[] entries = new File("/proc").list();
        if (entries == null) {
            return members;
        }
        for (String entry : entries) {
            if (entry.isEmpty() || !Character.isDigit(entry.charAt(0)) || entry.equals(spared)) {
                continue;
            }
            String[] fields = statFields(entry);
            // after the command's name: state, parent, process group, session
            if (fields != null && !fields[0].equals("Z") && sessions.contains(fields[3])) {
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
