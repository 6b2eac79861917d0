package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a child's memory cgroup says of the kernel's kills, in the files of cgroup v1 and v2. */
class MemoryLimitTest {

    private static final long MIB = 1 << 20;
    private final MemoryLimit limit = new MemoryLimit(300 * MIB);

    @TempDir
    Path cgroup;

    @Test
    void theLimitIsTwiceTheCapWrittenAsEachVersionNamesIt() {
        assertThat(limit.files(false)).containsExactly(java.util.Map.entry("memory.limit_in_bytes",
                Long.toString(600 * MIB)));
        assertThat(limit.files(true)).containsExactly(java.util.Map.entry("memory.max", Long.toString(600 * MIB)),
                java.util.Map.entry("memory.oom.group", "1"));
    }

    @Test
    void aKillInV1IsReadFromOomControlWithTheCgroupsPeak() throws Exception {
        Files.writeString(cgroup.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
        Files.writeString(cgroup.resolve("memory.max_usage_in_bytes"), Long.toString(600 * MIB) + "\n");
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

    @Test
    void aCgroupGoneOrUnreadableSaysNothing() {
        assertThat(limit.killedIn(cgroup.resolve("gone"), 100 * MIB)).isNull();
    }
}
