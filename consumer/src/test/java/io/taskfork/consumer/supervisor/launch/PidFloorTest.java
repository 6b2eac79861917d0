package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The host's processes below the oldest watched child are passed over, but only while no wrap of
 * the PIDs can have given something the child started a lower PID.
 */
class PidFloorTest {

    private static final long PID_MAX = 32_768;

    private final AtomicReference<PidFloor.Counters> counters = new AtomicReference<>(at(5_000, 1_000));
    private final PidFloor pids = new PidFloor(counters::get);

    @Test
    void theFloorIsTheOldestChildOnceTheCountersWereReadBeforeThemAll() throws Exception {
        pids.floor(List.of());
        long now = later();
        counters.set(at(5_400, 1_400));

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
    void aWrapTakesTheFloorAwayFromEveryChildStartedBeforeItWasSeen() throws Exception {
        pids.floor(List.of());
        PidFloor.Child old = new PidFloor.Child(5_100, later());
        counters.set(at(5_200, 1_200));
        assertThat(pids.floor(List.of(old))).isEqualTo(5_100);

        counters.set(at(310, 1_300));
        assertThat(pids.floor(List.of(old))).as("the PIDs went round: its descendants may lie below it").isZero();
        counters.set(at(6_000, 2_000));
        assertThat(pids.floor(List.of(old))).as("and it stays so, however high they climb again").isZero();

        PidFloor.Child young = new PidFloor.Child(5_900, later());
        counters.set(at(6_100, 2_100));
        assertThat(pids.floor(List.of(young))).isEqualTo(5_900);
        assertThat(pids.floor(List.of(young, old))).isZero();
    }

    @Test
    void enoughForksBetweenTwoLooksToGoRoundCountAsAWrapThoughTheLastPidRose() throws Exception {
        pids.floor(List.of());
        PidFloor.Child child = new PidFloor.Child(5_100, later());
        counters.set(at(5_200, 1_200));
        assertThat(pids.floor(List.of(child))).isEqualTo(5_100);

        // 200 threads alive, so a round past them takes 32 768 - 300 - 200 forks
        long round = PID_MAX - 300 - 200;
        counters.set(new PidFloor.Counters(5_300, 200, 1_200 + round - 1, PID_MAX));
        assertThat(pids.floor(List.of(child))).as("one fork short of a round").isEqualTo(5_100);
        counters.set(new PidFloor.Counters(5_400, 200, 1_200 + round - 1 + round, PID_MAX));
        assertThat(pids.floor(List.of(child))).as("a round's worth since the look before").isZero();
    }

    @Test
    void whenTheCountersCannotBeReadEveryProcessIsRead() throws Exception {
        pids.floor(List.of());
        PidFloor.Child child = new PidFloor.Child(5_100, later());
        counters.set(null);
        assertThat(pids.floor(List.of(child))).isZero();

        counters.set(at(5_300, 1_300));
        assertThat(pids.floor(List.of(child))).as("a wrap may have passed unseen meanwhile").isZero();
    }

    @Test
    void theKernelsCountersAreReadAndRiseWithEachProcess() throws Exception {
        PidFloor.Counters before = PidFloor.KERNEL.get();
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        PidFloor.Counters after = PidFloor.KERNEL.get();

        assertThat(before.threads()).isPositive();
        assertThat(before.pidMax()).isGreaterThan(300);
        assertThat(after.forks()).isGreaterThan(before.forks());
        assertThat(after.lastPid()).isGreaterThanOrEqualTo(process.pid());
    }

    /** Counters with 200 threads alive. */
    private static PidFloor.Counters at(long lastPid, long forks) {
        return new PidFloor.Counters(lastPid, 200, forks, PID_MAX);
    }

    /** A moment strictly after every look so far. */
    private static long later() throws InterruptedException {
        long now = System.nanoTime();
        while (System.nanoTime() == now) {
            Thread.sleep(0, 1000);
        }
        return System.nanoTime();
    }
}
