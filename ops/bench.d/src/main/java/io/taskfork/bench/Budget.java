package io.taskfork.bench;

import java.time.Duration;

/**
 * How long each phase may take before it is given up, so that a run always ends by itself. Each
 * allowance is a fixed part (starting a supervisor, say) and a part per task, several times what
 * a 2-core machine needs: with the default 500 tasks, the allowances add up to about 7 minutes.
 */
record Budget(Duration floor, Duration inProcess, Duration supervisor) {

    static Budget forTasks(int tasks) {
        return new Budget(
                allowance(10_000, 60, tasks),
                allowance(10_000, 6, tasks),
                allowance(20_000, 210, tasks));
    }

    private static Duration allowance(long fixedMillis, long millisPerTask, int tasks) {
        return Duration.ofMillis(fixedMillis + millisPerTask * tasks);
    }
}
