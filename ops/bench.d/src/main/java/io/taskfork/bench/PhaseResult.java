package io.taskfork.bench;

/**
 * The figures of one phase.
 *
 * @param wallSeconds      the phase's measured window
 * @param cpuSeconds       CPU time spent in that window by what the phase measures
 * @param latencies        null where the phase has no tasks in the database (the floor)
 * @param supervisorMemory null where no supervisor ran
 * @param paced            delivery to handler start of tasks enqueued one at a time at a pace the
 *                         service keeps up with; null where the phase has none
 * @param supervisorCpuSeconds the supervisor's own share of {@code cpuSeconds}, its children's
 *                         left out; NaN where no supervisor ran
 * @param supervisorCpuMsPerTaskSecondHalf the supervisor's own CPU per task from the first look that
 *                         found half the phase's tasks done, its JIT warm by then; NaN where no
 *                         supervisor ran, or no look came between half and all of them done
 */
record PhaseResult(Phase phase, int tasks, double wallSeconds, double cpuSeconds, Latencies latencies,
        ProcStat.Memory supervisorMemory, Percentiles paced, double supervisorCpuSeconds,
        double supervisorCpuMsPerTaskSecondHalf) {

    PhaseResult(Phase phase, int tasks, double wallSeconds, double cpuSeconds, Latencies latencies,
            ProcStat.Memory supervisorMemory) {
        this(phase, tasks, wallSeconds, cpuSeconds, latencies, supervisorMemory, null, Double.NaN, Double.NaN);
    }

    double supervisorCpuMsPerTask() {
        return supervisorCpuSeconds * 1000 / tasks;
    }

    double tasksPerSecond() {
        return tasks / wallSeconds;
    }

    double cpuSecondsPerTask() {
        return cpuSeconds / tasks;
    }
}
