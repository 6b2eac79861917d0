package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.config.ChildJit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** README, "Which JIT a child runs": how TASKFORK_CHILD_JIT=auto chooses, type by type. */
class JitChoiceTest {

    private static final long QUICK = JitChoice.QUICK_CPU.toMillis() - 1;
    private static final long SLOW = JitChoice.QUICK_CPU.toMillis();

    @Test
    void aTypeGetsC1AloneAfterItsLastThreeTasksEachUsedLittleCpu() {
        JitChoice jit = new JitChoice(ChildJit.AUTO);

        assertThat(jit.forTask("echo")).as("a type not seen yet").isFalse();
        jit.record("echo", QUICK);
        jit.record("echo", QUICK);
        assertThat(jit.forTask("echo")).as("two quick ones").isFalse();
        jit.record("echo", QUICK);
        assertThat(jit.forTask("echo")).as("three quick ones").isTrue();
        assertThat(jit.forTask("report")).as("another type").isFalse();
    }

    @Test
    void oneBusyTaskOrOneThatNeverReturnedStartsTheCountAgain() {
        JitChoice jit = new JitChoice(ChildJit.AUTO);
        for (int i = 0; i < 5; i++) {
            jit.record("parse", QUICK);
        }
        jit.record("parse", SLOW);
        assertThat(jit.forTask("parse")).as("after a busy one").isFalse();
        for (int i = 0; i < 3; i++) {
            jit.record("parse", QUICK);
        }
        assertThat(jit.forTask("parse")).isTrue();
        jit.record("parse", -1);
        assertThat(jit.forTask("parse")).as("after a crash").isFalse();
    }

    @Test
    void aStandbyChildRunsC1AloneOnceTheLastThreeTasksHandedOutDid() {
        JitChoice jit = new JitChoice(ChildJit.AUTO);
        assertThat(jit.forStandby()).as("before any task").isFalse();
        for (int i = 0; i < 3; i++) {
            jit.record("echo", QUICK);
        }
        jit.forTask("echo");
        jit.forTask("echo");
        assertThat(jit.forStandby()).as("two on C1 alone").isFalse();
        jit.forTask("echo");
        assertThat(jit.forStandby()).as("three on C1 alone").isTrue();
        jit.forTask("parse");
        assertThat(jit.forStandby()).as("one on C1 and C2 since").isFalse();
    }

    @Test
    void tieredAndC1AreTheSameForEveryTask() {
        JitChoice tiered = new JitChoice(ChildJit.TIERED);
        JitChoice c1 = new JitChoice(ChildJit.C1);
        for (int i = 0; i < 3; i++) {
            tiered.record("echo", QUICK);
            c1.record("echo", SLOW);
        }

        assertThat(tiered.forTask("echo")).isFalse();
        assertThat(tiered.forStandby()).isFalse();
        assertThat(c1.forTask("echo")).isTrue();
        assertThat(c1.forStandby()).isTrue();
        assertThat(c1.with(List.of("-Xshare:auto"), true)).containsExactly("-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-XX:CompileThresholdScaling=20", "-XX:Tier3BackEdgeThreshold=15000");
        assertThat(c1.with(List.of("-Xshare:auto"), false)).containsExactly("-Xshare:auto");
    }
}
