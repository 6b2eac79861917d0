package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ScheduleFirerTest {

    @Test
    void theCatchUpLineNamesOneTaskAFewOrTheFirstAndTheLastOfMany() {
        assertThat(ScheduleFirer.made(List.of())).isEqualTo("no task");
        assertThat(ScheduleFirer.made(List.of(66L))).isEqualTo("task 66");
        assertThat(ScheduleFirer.made(List.of(66L, 67L, 70L))).isEqualTo("tasks 66, 67, 70");
        assertThat(ScheduleFirer.made(LongStream.rangeClosed(66, 1065).boxed().toList()))
                .isEqualTo("1000 tasks (the first task 66, the last task 1065)");
    }
}
