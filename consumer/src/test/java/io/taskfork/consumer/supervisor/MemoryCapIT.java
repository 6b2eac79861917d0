package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskfork.consumer.supervisor.launch.ChildCgroupsAccess;
import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README, "The memory cap": {@code TASKFORK_TASK_MEMORY} holds all of a task's processes together,
 * its child JVM's native memory and the commands it ran included, apart from the JVM's heap limit.
 */
class MemoryCapIT {

    private static final long MIB = 1 << 20;
    private static final long CAP = 300 * MIB;
    // the mapped libraries and archive that count in the processes' resident memory, not in their cgroup
    private static final long SLACK = 64 * MIB;
    private static final String KILLED_BY_THE_KERNEL = "killed by the kernel at its memory cgroup's limit of 600 MiB,"
            + " 2 times its cap of 300 MiB (TASKFORK_TASK_MEMORY):";
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(MemoryCapIT.class, Map.of(
                "TASKFORK_TASK_MEMORY", "300m",
                // the heap alone stays under the cap, so that filling it is the JVM's oom, not the cap's
                "TASKFORK_CHILD_HEAP", "128m",
                // direct buffers are bounded by the heap's size unless told otherwise
                "TASKFORK_CHILD_JAVA_OPTIONS", "-XX:MaxDirectMemorySize=4g",
                "TASKFORK_EXEC_ALLOW", "bash,tail,python3",
                "TASKFORK_EXEC_ENV_PASS", "PATH"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    /**
     * {@code tail} of a file without a newline takes all the memory it can, faster than the looks:
     * where the host offers a memory cgroup, the kernel holds it to twice the cap, and whichever of
     * the two comes first kills it; else the looks do, a little later.
     */
    @Test
    void tailOfDevZeroEndsCrashedMemoryWithWhatItStartedAndNeverNearTheHostsMemory() throws Exception {
        boolean kernel = kernelLimitHere();
        String name = "taskfork-memory-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        long id = fixture.submit("exec", "{\"argv\":[\"bash\",\"-c\",\"bash -c 'exec -a " + name
                + " sleep 300' & tail /dev/zero\"]}");

        Task task = fixture.awaitTerminal(id);
        Instant ended = Instant.now();

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.MEMORY);
        String byTheLooks = "peak seen \\d+ MiB; largest: tail \\(pid \\d+\\) \\d+ MiB";
        assertThat(task.error()).contains("cap of 300 MiB (TASKFORK_TASK_MEMORY)").satisfiesAnyOf(
                error -> assertThat(error).containsPattern(byTheLooks),
                error -> assertThat(kernel && error.startsWith(KILLED_BY_THE_KERNEL)).as(error).isTrue());
        assertThat(task.peakMemoryBytes()).as("the peak of all its processes")
                .isGreaterThan(CAP).isLessThanOrEqualTo(kernel ? 2 * CAP + SLACK : 4 * CAP);
        assertThat(task.cpuSeconds()).as("what its processes had used when they were killed").isNotNull().isPositive();
        assertThat(SupervisorFixture.header(fixture.awaitDeadLetterOf(id), "x-taskfork-reason")).isEqualTo("memory");
        while (!HostProcesses.named(name).isEmpty()) {
            assertThat(Duration.between(ended, Instant.now())).as("its background sleep gone")
                    .isLessThan(Duration.ofSeconds(1));
            Thread.sleep(10);
        }
    }

    /**
     * A memfd written to, not mapped, is memory that no process holds, so the looks never see it;
     * the kernel charges it to the task's memory cgroup and kills at twice the cap.
     */
    @Test
    void filesInMemoryPastTwiceTheCapAreStoppedByTheKernel() throws Exception {
        assumeTrue(kernelLimitHere(), "this host offers no memory cgroup the supervisor may make cgroups in");
        long id = fixture.submit("exec", "{\"argv\":[\"python3\",\"-c\",\"import os\\nfd = os.memfd_create('held')\\n"
                + "for _ in range(" + 3 * CAP / MIB + "): os.write(fd, bytes(1 << 20))\\nprint('all written')\"]}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.MEMORY);
        assertThat(task.error()).isEqualTo(KILLED_BY_THE_KERNEL + " its processes took that memory between"
                + " two looks of the memory watch, or hold it where the watch does not see it, in files in memory"
                + " (a tmpfs, a memfd)");
        assertThat(task.peakMemoryBytes()).isGreaterThan(CAP).isLessThanOrEqualTo(2 * CAP + SLACK);
        assertThat(fixture.store().log(id)).get().asString().doesNotContain("all written");
        assertThat(SupervisorFixture.header(fixture.awaitDeadLetterOf(id), "x-taskfork-reason")).isEqualTo("memory");
    }

    /**
     * In a namespace, /dev/shm is the task's own: it sees nothing of the host's, holds at most the
     * cap, and what the task left there goes with it.
     */
    @Test
    void aTasksDevShmIsItsOwnHoldsAtMostTheCapAndGoesWithIt() throws Exception {
        assumeTrue(HostProcesses.namespacesUsable(), "this host gives children no PID namespace");
        String name = "taskfork-shm-" + java.util.UUID.randomUUID();
        Path hosts = Files.writeString(Path.of("/dev/shm", name + "-host"), "the host's");
        try {
            long id = fixture.submit("exec", "{\"argv\":[\"bash\",\"-c\",\"echo left > /dev/shm/" + name
                    + " && ls /dev/shm && head -c " + (CAP / MIB + 10) + "m /dev/zero > /dev/shm/big\"]}");

            Task task = fixture.awaitTerminal(id);

            assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(task.error()).contains("No space left on device");
            assertThat(fixture.store().log(id)).get().asString().contains(name).doesNotContain(name + "-host");
            assertThat(Path.of("/dev/shm", name)).doesNotExist();
        } finally {
            Files.deleteIfExists(hosts);
        }
    }

    @Test
    void directBuffersBeyondTheCapEndCrashedMemory() throws Exception {
        // over the cap, and under the kernel's limit of twice the cap, so that the looks kill it
        long id = fixture.submit("allocate", "{\"mb\":400,\"direct\":true,\"hold_ms\":30000}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.MEMORY);
        // the namespace's first process, under a MiB, is not named as 0 MiB
        assertThat(task.error()).containsPattern("largest: java \\(pid \\d+\\) \\d+ MiB$");
    }

    @Test
    void heapExhaustionUnderTheCapStillEndsOom() throws Exception {
        Task task = fixture.awaitTerminal(fixture.submit("crash", "{\"mode\":\"oom\"}"));

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.OOM);
    }

    /** Its JVM killed by what it ran a second in: it reported nothing, but the cap's looks saw it. */
    @Test
    void aChildThatDiesOfItselfAfterTheCapsFirstLookHasThePeakTheLooksSaw() throws Exception {
        Task task = fixture.awaitTerminal(fixture.submit("exec",
                "{\"argv\": [\"bash\", \"-c\", \"sleep 1; kill -9 $PPID\"]}"));

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.SIGNAL);
        assertThat(task.cpuSeconds()).isNull();
        assertThat(task.peakMemoryBytes()).isGreaterThan(10L << 20);
    }

    /**
     * Four processes share 140 MiB: their resident sizes add up past twice the cap, but the pages
     * are there once, which the proportional set size taken before a kill shows.
     */
    @Test
    void pagesSharedByTheTasksProcessesCountOnce() throws Exception {
        String script = "import mmap, os, time\\n"
                + "shared = mmap.mmap(-1, 140 << 20)\\n"
                + "for i in range(0, len(shared), 4096): shared[i] = 1\\n"
                + "children = []\\n"
                + "for _ in range(3):\\n"
                + "    pid = os.fork()\\n"
                + "    if pid == 0:\\n"
                + "        total = sum(shared[i] for i in range(0, len(shared), 4096))\\n"
                + "        time.sleep(3)\\n"
                + "        os._exit(0 if total == len(shared) // 4096 else 1)\\n"
                + "    children.append(pid)\\n"
                + "print(all(os.waitpid(pid, 0)[1] == 0 for pid in children))\\n";
        long id = fixture.submit("exec", "{\"argv\":[\"python3\",\"-c\",\"" + script + "\"]}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).as(task.error()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(fixture.store().log(id)).get().asString().contains("True");
        assertThat(task.peakMemoryBytes()).as("resident sizes, each shared page counted by each process")
                .isGreaterThan(2 * CAP);
    }

    /**
     * A task that is root in its namespaces puts a /proc of its own making where its namespace's was:
     * one that shows only the namespace's first process, as it was. The cap still sees what it hides.
     */
    @Test
    void aTaskThatHidesItsProcessesBehindAFakeProcIsStillHeldToItsCap() throws Exception {
        holdsToTheCapAfter("mkdir -p fake/1 && cp /proc/1/stat fake/1/ && mount --bind fake /proc");
    }

    /** The same with a part of the real /proc: the first process's threads, whose stat is its own. */
    @Test
    void aTaskThatHidesItsProcessesBehindAPartOfItsProcIsStillHeldToItsCap() throws Exception {
        holdsToTheCapAfter("mount --bind /proc/1/task /proc");
    }

    private static void holdsToTheCapAfter(String hiding) throws Exception {
        // over the cap, and under the kernel's limit of twice the cap, so that only the looks can kill it
        String hold = "python3 -c \\\"import time; b = b'x' * (400 << 20); time.sleep(30)\\\"";
        long id = fixture.submit("exec", "{\"argv\":[\"bash\",\"-c\",\"" + hiding + " && echo hidden && " + hold
                + "\"]}");

        Task task = fixture.awaitTerminal(id);

        assertThat(fixture.store().log(id)).as("the fake /proc was mounted").get().asString().contains("hidden");
        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.MEMORY);
        assertThat(task.error()).containsPattern("largest: python3 \\(pid \\d+\\) \\d+ MiB");
    }

    /** Whether this host offers the supervisor a memory cgroup it can make and enter cgroups in, as at its start. */
    private static boolean kernelLimitHere() {
        return ChildCgroupsAccess.memoryLimitHere(CAP);
    }

    @Test
    void aTaskWithinItsCapIsLeftAlone() throws Exception {
        Task task = fixture.awaitTerminal(fixture.submit("allocate", "{\"mb\":80,\"hold_ms\":1000}"));

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.peakMemoryBytes()).isGreaterThan(80 * MIB).isLessThan(CAP);
    }
}
