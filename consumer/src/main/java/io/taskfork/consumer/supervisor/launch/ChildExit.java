package io.taskfork.consumer.supervisor.launch;

import io.taskfork.shared.task.Usage;

/**
 * Everything known about one finished child: what it reported, how its process ended, and what
 * it left in its folder.
 *
 * @param exitCode        as the shell reports it: 128+n when signal n ended the process
 * @param timedOut        the supervisor killed it for running past the task timeout
 * @param stoppedBy       why the supervisor killed it (other than a timeout), or null if it did not
 * @param outOfMemory     the JVM's OnOutOfMemoryError hook ran before it exited
 * @param fatalError      the signal line of the JVM's fatal error log (hs_err), or null if none
 * @param memory          what the memory cap saw of the task's processes, and whether it killed them
 * @param cpuMillisAtKill the CPU the child's processes had used when the supervisor killed them, or -1
 * @param processLimitReached the limit of the child's processes and threads (TASKFORK_TASK_PROCESSES)
 *                        when it refused one of them, or -1; -1 too for a child that returned a result
 */
public record ChildExit(
        long pid,
        int exitCode,
        boolean timedOut,
        StopReason stoppedBy,
        boolean outOfMemory,
        String fatalError,
        ChildReport report,
        String log,
        long runNanos,
        MemorySeen memory,
        long cpuMillisAtKill,
        int processLimitReached) {

    /** Nanoseconds from handing the child its task until the handler was about to run, or -1 if it never got there. */
    public long startNanos() {
        return report.startNanos();
    }

    /**
     * What the attempt cost: CPU as the child reported it at its end, else as the supervisor read it
     * when it killed the child; and the larger of the child JVM's own peak and the largest sum of all
     * the task's processes that the memory cap saw. Each is unknown (null) when neither source has
     * it: a child that died of itself before it reported.
     */
    public Usage usage() {
        return Usage.of(report.cpuMillis() >= 0 ? report.cpuMillis() : cpuMillisAtKill,
                Math.max(report.peakBytes(), memory.peakBytes()));
    }

    /** The handler returned a result before the child ended, whatever ended it. */
    public boolean returned() {
        return report.hasResult();
    }
}
