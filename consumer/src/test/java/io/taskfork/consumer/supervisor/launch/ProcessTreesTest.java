package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.shared.config.ChildContainment;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Killing a child's tree without a namespace, with real processes: the sessions of what is killed are
 * noted before the kill, and under taskfork-child-init the descendants die while it lives on to end
 * what they started, a daemon that called setsid included, and then exits as the JVM's death reads.
 */
class ProcessTreesTest {

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(ProcessTrees::kill);
    }

    @Test
    void theSessionsOfTheKilledAreNotedBeforeTheyDie() throws Exception {
        String marker = HostProcesses.uniqueSleep();
        Process shell = start(List.of("/bin/sh", "-c", "setsid sleep " + marker + " & wait"));
        ProcessHandle daemon = awaitProcess(marker);
        Set<Long> sessions = new HashSet<>();

        ProcessTrees.kill(shell, sessions);

        // setsid, not leading a process group in a non-interactive shell, runs sleep in its own process
        assertThat(sessions).as("the session the daemon leads").contains(daemon.pid());
        assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
    }

    @Test
    void underChildInitTheDescendantsDieAndChildInitEndsWhatIsLeftThenExitsAsTheirDeathReads() throws Exception {
        Optional<Path> init = Containment.childInit();
        if (init.isEmpty()) {
            return;
        }
        Containment containment = Containment.detect(ChildContainment.SESSION, init);
        String marker = HostProcesses.uniqueSleep();
        Process process = start(containment.wrap(List.of("/bin/sh", "-c", "setsid sleep " + marker + " & wait")));
        ProcessHandle daemon = awaitProcess(marker);
        Set<Long> sessions = new HashSet<>();

        ProcessTrees.killDescendants(process, sessions);

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("taskfork-child-init ends on its own").isTrue();
        assertThat(process.exitValue()).as("the shell's SIGKILL, as taskfork-child-init reports it").isEqualTo(137);
        assertThat(daemon.isAlive()).isFalse();
        assertThat(sessions).contains(daemon.pid());
    }

    /**
     * A subreaper that outlives its killed descendants (one SIGKILL could not end keeps it waiting, as
     * taskfork-child-init waits up to 2 s) is killed once the bound has passed, not before: played by a
     * shell that, when its child is gone, becomes a sleep of its own.
     */
    @Test
    void aSubreaperThatDoesNotEndAfterItsDescendantsIsKilledOnceTheBoundHasPassed() throws Exception {
        String marker = HostProcesses.uniqueSleep();
        Process lingering = start(List.of("/bin/sh", "-c", "sleep " + marker + " & wait; exec sleep 60"));
        awaitProcess(marker);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            long bound = 500;
            long killed = System.nanoTime();
            ProcessTrees.killUnderSubreaper(lingering, new HashSet<>(), timer, bound);

            assertThat(lingering.waitFor(bound / 2, TimeUnit.MILLISECONDS)).as("alive within the bound").isFalse();
            assertThat(lingering.waitFor(10, TimeUnit.SECONDS)).as("killed after it").isTrue();
            assertThat(lingering.exitValue()).isEqualTo(137);
            assertThat(System.nanoTime() - killed).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(bound));
        } finally {
            timer.shutdownNow();
        }
    }

    /**
     * A tree's CPU as the supervisor reads it before a kill: half a CPU-second burnt by a subshell that
     * the tree's root has reaped, and half a second by a descendant still running, each by its own
     * account in /proc; counted once each, so the sum is a second and a little more.
     */
    @Test
    void theCpuOfATreeHoldsARunningDescendantsAndAReapedChildsEachOnce() throws Exception {
        String burn = "while :; do read -r -a f < /proc/$BASHPID/stat; (( f[13] + f[14] >= 50 )) && break; done";
        Process tree = start(List.of("bash", "-c",
                "( " + burn + " ); bash -c '" + burn + "; echo burnt; exec sleep 60' & wait"));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(tree.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("burnt");
        }

        assertThat(ProcessTrees.cpuMillis(tree)).isBetween(1_000L, 1_400L);
        ProcessTrees.kill(tree);
        tree.waitFor(10, TimeUnit.SECONDS);
        assertThat(ProcessTrees.cpuMillis(tree)).as("once it has ended").isEqualTo(-1);
    }

    private Process start(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).start();
        started.add(process);
        return process;
    }

    private static ProcessHandle awaitProcess(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> found = HostProcesses.withArgument(marker);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no process sleeping " + marker + " within 10 s");
    }
}
