package io.taskfork.bench;

/**
 * The figures of one phase.
 *
 * @param wallSeconds      the phase's measured window
 * @param cpuSeconds       CPU time spent in that window by what the phase measures
 * @param latencies        null where the phase has no tasks in the database (the floor)
 * @param supervisorMemory null where no supervisor ran
 */
record PhaseResult(Phase phase, int tasks, double wallSeconds, double cpuSeconds, Latencies latencies,
        ProcStat.Memory supervisorMemory) {

    double tasksPerSecond() {
        return tasks / wallSeconds;
    }

    double cpuSecondsPerTask() {
        return cpuSeconds / tasks;
    }
}
