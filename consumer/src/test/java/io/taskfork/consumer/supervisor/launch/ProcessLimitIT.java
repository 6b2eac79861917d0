package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.consumer.testing.PackagedConsumer;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README, "The process limit": a task's processes and threads together stay within
 * TASKFORK_TASK_PROCESSES, where the host offers a pids cgroup, and a fork past it fails in the task
 * alone; the cgroups go with the children.
 */
class ProcessLimitIT {

    private static final int LIMIT = 100;
    // the fixture's, TASKFORK_PREFETCH's default: as many standby children
    private static final int PREFETCH = 4;
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(ProcessLimitIT.class, Map.of("TASKFORK_EXEC_ALLOW", "bash",
                "TASKFORK_TASK_PROCESSES", Integer.toString(LIMIT)));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void aTaskThatForksPastTheLimitGetsNoMoreProcessesAndTheHostKeepsItsOwn() throws Exception {
        // a host without one the supervisor may use: it says so and runs its tasks without a limit
        assumeTrue(limitHere(), "this host offers no pids cgroup the supervisor may make cgroups in");
        // three times the limit of sleeps, each marked, that a fork bomb would have as many of as it could
        String mark = HostProcesses.uniqueSleep();
        long id = fixture.submit("exec", "{\"argv\":[\"bash\",\"-c\",\"for i in $(seq " + 3 * LIMIT + "); do sleep "
                + mark + " & done; wait\"],\"timeout\":\"4s\"}", 1);
        int most = 0;
        while (!fixture.store().find(id).orElseThrow().status().isTerminal()) {
            most = Math.max(most, HostProcesses.withArgument(mark).size());
            // the host still starts a process of its own meanwhile
            Process own = new ProcessBuilder("true").start();
            assertThat(own.waitFor(10, TimeUnit.SECONDS)).as("a process of the host's own").isTrue();
            Thread.sleep(50);
        }
        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).contains("ran longer than its timeout of 4s")
                .contains("it reached its limit of " + LIMIT + " processes and threads (TASKFORK_TASK_PROCESSES)");
        assertThat(fixture.store().log(id)).get().asString().contains("fork")
                .contains("Resource temporarily unavailable");
        assertThat(most).as("sleeps seen at once").isPositive().isLessThan(LIMIT);
        assertThat(HostProcesses.withArgument(mark).stream().filter(PackagedConsumer::isRunning)).isEmpty();
    }

    @Test
    void aHandlerThatStartsThreadsPastTheLimitFailsSayingWhichLimitRefusedThem() throws Exception {
        assumeTrue(limitHere(), "this host offers no pids cgroup the supervisor may make cgroups in");
        Task task = fixture.awaitTerminal(fixture.submit("awkward", "{\"does\":\"start-threads\"}", 1));

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.EXCEPTION);
        assertThat(task.error()).startsWith("java.lang.OutOfMemoryError: unable to create native thread")
                .endsWith("it reached its limit of " + LIMIT + " processes and threads (TASKFORK_TASK_PROCESSES)");
    }

    @Test
    void theCgroupsOfEndedChildrenGoWithThem() throws Exception {
        assumeTrue(limitHere(), "this host offers no pids cgroup the supervisor may make cgroups in");
        for (int i = 0; i < 3 * PREFETCH; i++) {
            fixture.awaitTerminal(fixture.submit("echo", "{}"));
        }
        // the pids cgroups, and the memory cgroups of the memory cap's kernel limit where the host has them
        for (String controller : ChildCgroupsAccess.memoryLimitHere(1L << 30) ? List.of("pids", "memory")
                : List.of("pids")) {
            Path own = OwnCgroup.ofThisProcess(controller).orElseThrow().folder();
            // the cgroup of an ended child is removed a moment after it, once its last process is gone
            long left = childCgroups(own);
            for (int look = 0; look < 50 && left > PREFETCH; look++) {
                Thread.sleep(100);
                left = childCgroups(own);
            }
            assertThat(left).as(controller + " cgroups of this JVM's supervisor: one for each standby child at most")
                    .isPositive().isLessThanOrEqualTo(PREFETCH);
        }
    }

    /** Whether this host offers the supervisor a pids cgroup it can make and enter cgroups in, as at its start. */
    private static boolean limitHere() {
        ChildCgroups cgroups = ChildCgroups.open(LIMIT, 0, Containment.childInit());
        cgroups.close();
        return cgroups.any();
    }

    private static long childCgroups(Path own) throws Exception {
        long count = 0;
        try (Stream<Path> folders = Files.list(own)) {
            for (Path folder : folders.filter(entry -> entry.getFileName().toString()
                    .startsWith("taskfork-" + ProcessHandle.current().pid() + "-")).toList()) {
                try (Stream<Path> cgroups = Files.list(folder)) {
                    count += cgroups.filter(entry -> entry.getFileName().toString().startsWith("child-")).count();
                }
            }
        }
        return count;
    }
}
