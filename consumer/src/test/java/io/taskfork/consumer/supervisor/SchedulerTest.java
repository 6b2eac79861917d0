package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.store.DueTasks.Pending;
import org.junit.jupiter.api.Test;

class SchedulerTest {

    @Test
    void untoldItLooksFourTimesASecondAndToldItSleepsUntilTheEarliestTimeItKnows() {
        assertThat(Scheduler.nextLook(new Pending(null, null, 1_200L), false)).isEqualTo(Scheduler.PERIOD.toMillis());
        assertThat(Scheduler.nextLook(new Pending(null, null, null), true)).isEqualTo(Scheduler.TOLD_PERIOD.toMillis());
        assertThat(Scheduler.nextLook(new Pending(3_000L, 900L, 1_200L), true)).isEqualTo(900);
        assertThat(Scheduler.nextLook(new Pending(60_000L, null, null), true))
                .isEqualTo(Scheduler.TOLD_PERIOD.toMillis());
        assertThat(Scheduler.nextLook(new Pending(-5L, null, 1_200L), true))
                .as("a due task this look could not take").isEqualTo(Scheduler.PERIOD.toMillis());
    }
}
