package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The host's processes below the oldest watched child are passed over, but only while no wrap of
 * the PIDs can have given something the child started a lower PID.
 */
class PidFloorTest {

    private final AtomicLong lastPid = new AtomicLong(5_000);
    private final PidFloor pids = new PidFloor(lastPid::get);

    @Test
    void theFloorIsTheOldestChildOnceTheLastPidWasSeenBeforeThemAll() {
        pids.floor(List.of());
        long now = System.nanoTime();
        lastPid.set(5_400);

        assertThat(pids.floor(List.of(new PidFloor.Child(5_300, now), new PidFloor.Child(5_100, now))))
                .isEqualTo(5_100);
        assertThat(pids.floor(List.of())).as("no child, no floor to keep").isZero();
    }

    @Test
    void aChildStartedBeforeTheFirstLookGetsNoFloor() {
        long before = System.nanoTime();

        assertThat(pids.floor(List.of(new PidFloor.Child(4_900, before)))).isZero();
        assertThat(pids.floor(List.of(new PidFloor.Child(4_900, before)))).as("nor at any later look").isZero();
    }

    @Test
    void aWrapTakesTheFloorAwayFromEveryChildStartedBeforeItWasSeen() {
        pids.floor(List.of());
        PidFloor.Child old = new PidFloor.Child(5_100, System.nanoTime());
        lastPid.set(5_200);
        assertThat(pids.floor(List.of(old))).isEqualTo(5_100);

        lastPid.set(310);
        assertThat(pids.floor(List.of(old))).as("the PIDs went round: its descendants may lie below it").isZero();
        lastPid.set(6_000);
        assertThat(pids.floor(List.of(old))).as("and it stays so, however high they climb again").isZero();

        PidFloor.Child young = new PidFloor.Child(5_900, System.nanoTime());
        assertThat(pids.floor(List.of(young))).isEqualTo(5_900);
        assertThat(pids.floor(List.of(young, old))).isZero();
    }

    @Test
    void whenTheLastPidCannotBeReadEveryProcessIsRead() {
        pids.floor(List.of());
        PidFloor.Child child = new PidFloor.Child(5_100, System.nanoTime());
        lastPid.set(-1);
        assertThat(pids.floor(List.of(child))).isZero();

        lastPid.set(5_300);
        assertThat(pids.floor(List.of(child))).as("a wrap may have passed unseen meanwhile").isZero();
    }

    @Test
    void theKernelsLastPidIsReadAndRisesWithEachProcess() throws Exception {
        long before = PidFloor.KERNEL.getAsLong();
        Process process = new ProcessBuilder("true").start();
        process.waitFor();

        assertThat(before).isPositive();
        assertThat(PidFloor.KERNEL.getAsLong()).isGreaterThanOrEqualTo(process.pid());
    }
}
