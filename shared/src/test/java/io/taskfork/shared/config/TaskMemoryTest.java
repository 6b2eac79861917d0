package io.taskfork.shared.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskMemoryTest {

    /** A cap at the heap itself kills a task that fills its heap as memory, before its JVM can say oom. */
    @Test
    void aCapWithoutRoomBesideTheChildsHeapIsWarnedOfAndOneWithRoomIsNot() {
        assertThat(TaskMemory.tightFor(256L << 20, "256m")).hasValue("TASKFORK_TASK_MEMORY of 256 MiB leaves a"
                + " child JVM less than 64 MiB beside its heap (TASKFORK_CHILD_HEAP=256m): a task that fills its heap"
                + " is killed as memory before its JVM can end it as oom; give it at least 320 MiB, or a smaller heap");
        assertThat(TaskMemory.tightFor(320L << 20, "256m")).isEmpty();
        assertThat(TaskMemory.tightFor(0, "256m")).as("no cap").isEmpty();
    }
}
