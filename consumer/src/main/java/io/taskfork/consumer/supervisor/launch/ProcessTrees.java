package io.taskfork.consumer.supervisor.launch;

import io.taskfork.consumer.child.ProcStat;
import io.taskfork.consumer.child.Sessions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Kills a process together with everything it started. */
final class ProcessTrees {

    private ProcessTrees() {
    }

    /**
     * SIGKILLs the process, then its descendants. Descendants are listed before the process dies,
     * because once it is gone they are re-parented and no longer found as its descendants. The
     * process goes first because it may be {@code unshare} (see {@link Containment}, without
     * taskfork-child-init): when the namespace's first process dies before it, unshare exits 1
     * instead of dying of the SIGKILL, and the kill would not read as one.
     */
    static void kill(Process process) {
        kill(process, null);
    }

    /**
     * As {@link #kill(Process)}, and adds to {@code sessions}, unless null, the sessions the
     * descendants were in, read before any is killed: where a process one of them starts meanwhile
     * is, which outside a namespace outlives the kill.
     */
    static void kill(Process process, Set<Long> sessions) {
        List<ProcessHandle> descendants = killable(process, sessions);
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * SIGKILLs the descendants of {@code process}, not the process itself, and adds their sessions to
     * {@code sessions} as {@link #kill(Process, Set)} does: for a subreaper that, left alive, kills
     * whatever they start meanwhile. False when it had none.
     */
    static boolean killDescendants(Process process, Set<Long> sessions) {
        List<ProcessHandle> descendants = killable(process, sessions);
        descendants.forEach(ProcessHandle::destroyForcibly);
        return !descendants.isEmpty();
    }

    /**
     * Kills {@code process}, a subreaper, by its descendants (see {@link #killDescendants}): left
     * alive, it ends what they started meanwhile and exits. If it had none, or has not ended
     * {@code withinMs} later (a descendant that SIGKILL could not end, say), it is killed with its
     * tree, so that no kill leaves a child running.
     */
    static void killUnderSubreaper(Process process, Set<Long> sessions, ScheduledExecutorService timer,
            long withinMs) {
        if (!killDescendants(process, sessions)) {
            // no JVM forked yet, or none left: nothing for it to end
            kill(process, sessions);
            return;
        }
        try {
            timer.schedule(() -> {
                if (process.isAlive()) {
                    kill(process, sessions);
                }
            }, withinMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            kill(process, sessions);
        }
    }

    /**
     * The CPU time {@code process} and its descendants have used, each with that of the children it
     * has reaped, in milliseconds; -1 when {@code process} has ended. The
     * process is read before its descendants are listed, and a parent before its children: one
     * reaped meanwhile is missed rather than counted twice, so the sum can come out low, never
     * doubled. What a process reaped by none of them used (an orphan the host's init took) is not in it.
     */
    static long cpuMillis(Process process) {
        if (!process.isAlive()) {
            return -1;
        }
        byte[] buffer = new byte[1024];
        long millis = cpuMillis(process.pid(), buffer);
        if (millis < 0) {
            return -1;
        }
        for (ProcessHandle descendant : process.descendants().toList()) {
            millis += Math.max(0, cpuMillis(descendant.pid(), buffer));
        }
        return millis;
    }

    private static long cpuMillis(long pid, byte[] buffer) {
        ProcStat stat = ProcStat.read(Long.toString(pid), buffer, ProcStat.CPU_FIELDS);
        return stat == null ? -1 : stat.cpuMillis(true);
    }

    private static List<ProcessHandle> killable(Process process, Set<Long> sessions) {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (sessions != null) {
            sessions.addAll(Sessions.of(descendants));
        }
        return descendants;
    }
}
