package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogHeapTrialTest {

    // What Runtime.maxMemory() says under ops/taskfork's -Xmx256m -Xmn24m: the heap less one survivor space.
    private static final long OPS_TASKFORK_HEAP = 253L << 20;

    @Test
    void theDefaultLimitAndUpTo8MiBFitFourTasksInOpsTaskforksHeapAnd9MiBDoesNot() {
        assertThat(LogHeapTrial.problem(256 << 10, 4, OPS_TASKFORK_HEAP)).isEmpty();
        assertThat(LogHeapTrial.problem(8 << 20, 4, OPS_TASKFORK_HEAP)).isEmpty();
        assertThat(LogHeapTrial.problem(9 << 20, 4, OPS_TASKFORK_HEAP)).hasValue("TASKFORK_LOG_LIMIT of 9 MiB with"
                + " TASKFORK_PREFETCH=4: the logs of the tasks running at once take up to about 207 MiB of the"
                + " supervisor's heap besides its own 64 MiB, and it has 253 MiB (-Xmx); lower TASKFORK_LOG_LIMIT or"
                + " TASKFORK_PREFETCH, or give the supervisor a larger -Xmx");
    }

    @Test
    void aLargerPrefetchNeedsMoreHeapAndALargerHeapTakesALargerLimit() {
        assertThat(LogHeapTrial.problem(8 << 20, 16, OPS_TASKFORK_HEAP)).isPresent();
        assertThat(LogHeapTrial.problem(32 << 20, 4, 1L << 30)).isEmpty();
        assertThat(LogHeapTrial.problem(64 << 20, 100, 1L << 30)).isPresent();
    }
}
