package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child's memory cgroup: its limit as each cgroup version writes it, and what it says of the kernel's kills. */
class MemoryLimitTest {

    private static final long MIB = 1 << 20;
    private static final String LIMIT = Long.toString(600 * MIB);
    private final MemoryLimit limit = new MemoryLimit(300 * MIB);

    @TempDir
    Path cgroup;

    @Test
    void theLimitIsTwiceTheCapWrittenAsEachVersionNamesIt() {
        assertThat(limit.files(new OwnCgroup(cgroup, false))).containsExactly(Map.entry("memory.limit_in_bytes", LIMIT));
        assertThat(limit.files(new OwnCgroup(cgroup, true))).containsExactly(Map.entry("memory.max", LIMIT),
                Map.entry("memory.oom.group", "1"));
    }

    /** At the limit the kernel would swap out what the task holds, its files in memory too, rather than kill. */
    @Test
    void whereTheKernelCountsSwapTheTaskGetsNoneBeyondTheLimit() throws Exception {
        Files.writeString(cgroup.resolve("memory.memsw.limit_in_bytes"), "");
        Files.writeString(cgroup.resolve("memory.swap.max"), "");

        assertThat(limit.files(new OwnCgroup(cgroup, false))).containsExactly(Map.entry("memory.limit_in_bytes", LIMIT),
                Map.entry("memory.memsw.limit_in_bytes", LIMIT));
        assertThat(limit.files(new OwnCgroup(cgroup, true))).containsExactly(Map.entry("memory.max", LIMIT),
                Map.entry("memory.swap.max", "0"), Map.entry("memory.oom.group", "1"));
    }

    @Test
    void aKillInV1IsReadFromOomControlWithTheCgroupsPeak() throws Exception {
        Files.writeString(cgroup.resolve("memory.limit_in_bytes"), LIMIT + "\n");
        Files.writeString(cgroup.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
        Files.writeString(cgroup.resolve("memory.max_usage_in_bytes"), LIMIT + "\n");
        assertThat(limit.killedIn(cgroup, 50 * MIB)).isNull();

        Files.writeString(cgroup.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        MemorySeen seen = limit.killedIn(cgroup, 50 * MIB);

        assertThat(seen.peakBytes()).isEqualTo(600 * MIB);
        assertThat(seen.exceeded()).startsWith("killed by the kernel at its memory cgroup's limit of 600 MiB,"
                + " 2 times its cap of 300 MiB (TASKFORK_TASK_MEMORY)");
    }

    @Test
    void aKillInV2IsReadFromItsEventsAndThePeakTheLooksSawIfLarger() throws Exception {
        Files.writeString(cgroup.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 0\n");
        assertThat(limit.killedIn(cgroup, -1)).as("at the limit, not killed").isNull();

        Files.writeString(cgroup.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 2\n");
        assertThat(limit.killedIn(cgroup, 640 * MIB).peakBytes()).as("no memory.peak before Linux 5.19")
                .isEqualTo(640 * MIB);
        Files.writeString(cgroup.resolve("memory.peak"), Long.toString(599 * MIB) + "\n");
        assertThat(limit.killedIn(cgroup, 100 * MIB).peakBytes()).isEqualTo(599 * MIB);
    }

    /** The host ran out of memory and its OOM killer chose a process of a task far under its limit. */
    @Test
    void aKillForTheHostsWantOfMemoryIsNotTheTasksLimit() throws Exception {
        Files.writeString(cgroup.resolve("memory.limit_in_bytes"), LIMIT + "\n");
        Files.writeString(cgroup.resolve("memory.max_usage_in_bytes"), Long.toString(120 * MIB) + "\n");
        Files.writeString(cgroup.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        assertThat(limit.killedIn(cgroup, 50 * MIB)).as("v1").isNull();

        Files.writeString(cgroup.resolve("memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 1\n");
        assertThat(limit.killedIn(cgroup, 50 * MIB)).as("v2").isNull();
    }

    @Test
    void aCgroupGoneOrUnreadableSaysNothing() {
        assertThat(limit.killedIn(cgroup.resolve("gone"), 100 * MIB)).isNull();
    }
}
