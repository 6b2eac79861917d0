package io.taskfork.consumer.supervisor;

import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.child.ChildMain;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * README, "Which JIT a child runs": under TASKFORK_CHILD_JIT=auto a type runs C1 alone once its last
 * three tasks each used under 100 ms of its JVM's CPU, however long they waited, and the tiered JIT
 * again after one that used more, even while the standby child waiting runs C1 alone, which then
 * makes room for one on C1 and C2; tiered and c1 hold for every task.
 */
class ChildJitIT {

    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
    private static final String STANDBY = "-D" + ChildMain.REHEARSE_PROPERTY + "=" + ChildMain.REHEARSE_UNLESS_ASKED;

    @Test
    void autoGivesC1AloneToATypeWhoseLastThreeTasksUsedLittleCpuAndTieredAfterABusyOne() throws Exception {
        try (SupervisorFixture fixture = SupervisorFixture.start(ChildJitIT.class, Map.of("TASKFORK_STANDBY", "false"))) {
            List<Boolean> c1 = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                c1.add(run(fixture, "{}"));
            }
            // a task that waits 300 ms uses little CPU: the type stays quick
            c1.add(run(fixture, "{\"ms\":300}"));
            c1.add(run(fixture, "{}"));
            // handed out while the type still counted as quick, it computes for 150 ms of CPU
            c1.add(run(fixture, "{\"cpu_ms\":150}"));
            c1.add(run(fixture, "{}"));

            assertThat(c1).containsExactly(false, false, false, true, true, true, true, true, false);
        }
    }

    @Test
    void aTaskThatNeedsTheTieredJitNeverTakesAStandbyChildOnC1Alone() throws Exception {
        try (SupervisorFixture fixture = SupervisorFixture.start(ChildJitIT.class, Map.of("TASKFORK_PREFETCH", "1"))) {
            // a standby child started before the type counted as quick runs the tiered JIT, and is taken first
            int quick = 0;
            while (!run(fixture, "{}")) {
                assertThat(++quick).as("tasks before the type ran on C1 alone").isLessThan(8);
            }
            // standby children run C1 alone once three tasks in a row did
            for (int i = 0; i < 3; i++) {
                assertThat(run(fixture, "{}")).isTrue();
            }
            assertThat(run(fixture, "{\"cpu_ms\":150}")).isTrue();
            ProcessHandle waiting = awaitStandby(true);

            assertThat(run(fixture, "{}")).as("the task after the busy one").isFalse();
            // the standby child on C1 alone made room for one started as the tasks now need
            awaitTrue(() -> !waiting.isAlive(), "the standby child on C1 alone discarded");
            awaitStandby(false);
        }
    }

    @Test
    void tieredAndC1HoldForEveryTask() throws Exception {
        for (String setting : List.of("tiered", "c1")) {
            try (SupervisorFixture fixture = SupervisorFixture.start(ChildJitIT.class,
                    Map.of("TASKFORK_CHILD_JIT", setting))) {
                List<Boolean> c1 = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    c1.add(run(fixture, "{}"));
                }
                assertThat(c1).as(setting).containsOnly(setting.equals("c1"));
            }
        }
    }

    private static boolean run(SupervisorFixture fixture, String payload) throws Exception {
        Task task = fixture.awaitTerminal(fixture.submit("jit-probe", payload));
        assertThat(task.status()).as(task.toString()).isEqualTo(TaskStatus.SUCCEEDED);
        return task.result().path("c1").asBoolean();
    }

    /** A standby child of this test's supervisor, once one waits that runs C1 alone, or C1 and C2. */
    private static ProcessHandle awaitStandby(boolean c1) throws InterruptedException {
        ProcessHandle[] found = new ProcessHandle[1];
        awaitTrue(() -> (found[0] = ProcessHandle.current().descendants()
                .filter(process -> arguments(process).contains(STANDBY) && arguments(process).contains(C1_ONLY) == c1)
                .findFirst().orElse(null)) != null, c1 ? "a standby child on C1 alone" : "a standby child on C1 and C2");
        return found[0];
    }

    private static List<String> arguments(ProcessHandle process) {
        Optional<String[]> arguments = process.info().arguments();
        return arguments.map(Arrays::asList).orElse(List.of());
    }
}
