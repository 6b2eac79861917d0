package io.taskfork.consumer.child;

import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The processes of a child's session, which the supervisor gives each child of its own (setsid).
 * A process whose parent died is re-parented and no longer anyone's descendant, but it stays in its
 * session unless it leaves on purpose (setsid): the session still names what a task left running.
 * Where the child's JVM has a parent that takes in orphans, that parent's other children name it
 * better, a process that left its session included. Reading either costs a look at every process
 * in {@code /proc}: a few milliseconds of CPU in the host's, a few files in a namespace's own.
 */
public final class Sessions {

    /**
     * A system property the supervisor sets on every child: "true" when the JVM's parent takes in
     * every orphan of the task (a PID namespace's first process, or taskfork-child-init's subreaper).
     * That parent ends what is left once the JVM has, so a child told so leaves its last look for
     * children to it.
     */
    public static final String PARENT_ADOPTS = "taskfork.child.parent-adopts";
    // Enough for a process that forks while its session is being killed; a fork bomb is not the
    // threat here, a forgotten background process is.
    private static final int KILL_ROUNDS = 3;
    // A killed process hands its children to the parent only once it has exited: a round waits for that.
    private static final int ADOPTED_KILL_ROUNDS = 20;
    private static final long ADOPTED_ROUND_MS = 5;

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
            if (!killRound(fields -> sessions.contains(fields[3]), spared)) {
                return;
            }
        }
    }

    /** SIGKILLs the processes {@code test} accepts; false when it found none. */
    private static boolean killRound(Predicate<String[]> test, String spared) {
        List<Long> found = matching(test, spared);
        found.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        return !found.isEmpty();
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

    /**
     * SIGKILLs every child of {@code parent} but {@code spared}, round after round until none is
     * left: where {@code parent} takes in orphans, a killed process's children come to it in turn,
     * a daemon that left its session included.
     */
    public static void killOtherChildren(long parent, long spared) throws InterruptedException {
        String parentId = Long.toString(parent);
        for (int round = 0; round < ADOPTED_KILL_ROUNDS; round++) {
            if (!killRound(fields -> fields[1].equals(parentId), Long.toString(spared))) {
                return;
            }
            Thread.sleep(ADOPTED_ROUND_MS);
        }
    }

    /** Whether this process leads a session of its own; only then is its session the task's alone. */
    public static boolean leadsOwnSession() {
        long self = ProcessHandle.current().pid();
        String[] fields = statFields(Long.toString(self));
        return fields != null && fields[3].equals(Long.toString(self));
    }

    /**
     * The live processes other than {@code spared} whose stat fields after the command's name (state,
     * parent, process group, session) {@code test} accepts; zombies run nothing.
     */
    private static List<Long> matching(Predicate<String[]> test, String spared) {
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
            if (fields != null && !fields[0].equals("Z") && test.test(fields)) {
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
