package io.taskfork.bench;

import java.time.Duration;

/**
 * How long each phase may take before it is given up, so that a run always ends by itself. Each
 * allowance is a fixed part (starting a supervisor, say) and a part per task, several times what
 * a 2-core machine needs: with the default 500 tasks, the allowances add up to about 20 minutes.
 *
 * <p>The floor's part per task was 60 ms: a 2-core VM on a slow day starts about 12 bare JVMs a
 * second (83 ms each), so 300 tasks overran it whenever anything else ran on the host. A supervisor
 * phase had 20 s and 210 ms a task: a 2-core VM whose host had cut its CPU to a third (a bare JVM
 * start 0.19 s of CPU) ran two short runs at once, as BenchIT does, past it, its supervisors still
 * starting or its tasks about one a second.
 */
record Budget(Duration floor, Duration inProcess, Duration supervisor) {

    static Budget forTasks(int tasks) {
        return new Budget(
                allowance(10_000, 200, tasks),
                allowance(10_000, 6, tasks),
                allowance(60_000, 500, tasks));
    }

    private static Duration allowance(long fixedMillis, long millisPerTask, int tasks) {
        return Duration.ofMillis(fixedMillis + millisPerTask * tasks);
    }
}
