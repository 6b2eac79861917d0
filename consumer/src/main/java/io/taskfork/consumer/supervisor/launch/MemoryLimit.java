package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's hold on a task's memory, behind the memory watch: a memory cgroup of each child's own
 * with a limit of twice TASKFORK_TASK_MEMORY. The watch, which looks every 50 to 250 ms, names the
 * processes and kills the whole tree at the cap; between two looks a task can take far more, and
 * memory that no process maps (a file in a tmpfs such as {@code /dev/shm}, a memfd) it never sees.
 * The kernel charges both to the cgroup, reclaims its page cache first, and at the limit kills a
 * process of the task.
 */
final class MemoryLimit implements CgroupLimit {

    /** Where taskfork-child-init finds the folder of the memory cgroup it enters. */
    private static final String VARIABLE = "TASKFORK_MEMORY_CGROUP";
    /** The kernel's limit, over the cap the watch holds, so that the watch's own kill comes first. */
    private static final int TIMES_THE_CAP = 2;

    private final long capBytes;

    MemoryLimit(long capBytes) {
        this.capBytes = capBytes;
    }

    private long bytes() {
        return TIMES_THE_CAP * capBytes;
    }

    @Override
    public String controller() {
        return "memory";
    }

    @Override
    public String variable() {
        return VARIABLE;
    }

    /**
     * The limit, and as much for memory and swap together where the kernel counts swap (a child's
     * cgroup has the files its parent has): at the limit the kernel would else swap out what the
     * task holds in memory, its files in memory included, rather than kill.
     */
    @Override
    public Map<String, String> files(OwnCgroup own) {
        Map<String, String> files = new LinkedHashMap<>();
        if (own.v2()) {
            files.put("memory.max", Long.toString(bytes()));
            if (Files.exists(own.folder().resolve("memory.swap.max"))) {
                files.put("memory.swap.max", "0");
            }
            // the whole task is killed together, as the watch kills it, not one process of it
            files.put("memory.oom.group", "1");
        } else {
            files.put("memory.limit_in_bytes", Long.toString(bytes()));
            if (Files.exists(own.folder().resolve("memory.memsw.limit_in_bytes"))) {
                files.put("memory.memsw.limit_in_bytes", Long.toString(bytes()));
            }
        }
        return files;
    }

    @Override
    public String name() {
        return "memory limit";
    }

    @Override
    public String amount() {
        return (bytes() >> 20) + " MiB per task, " + TIMES_THE_CAP + " times the memory cap, held by the kernel";
    }

    @Override
    public String setting() {
        return "TASKFORK_TASK_MEMORY";
    }

    /**
     * What ended the task in {@code cgroup}, when the kernel killed a process of it at the limit:
     * why, and the most its cgroup held, or the peak the watch saw ({@code peakSeen}) if more; null
     * when it did not, or that cannot be read. Both versions count as {@code oom_kill} every kill of
     * a process of the cgroup, one for the host's own want of memory too: so the cgroup must also
     * have been at its limit, as {@code oom} in {@code memory.events} says (v2), or its
     * {@code memory.max_usage_in_bytes} (v1, whose {@code memory.failcnt} this kernel leaves at 0). A
     * task whose page cache once filled its cgroup, and that the host's own want of memory then
     * killed, would read as killed at its limit in v1.
     */
    MemorySeen killedIn(Path cgroup, long peakSeen) {
        boolean v2 = Files.exists(cgroup.resolve("memory.events"));
        try {
            List<String> counts = Files.readAllLines(cgroup.resolve(v2 ? "memory.events" : "memory.oom_control"),
                    StandardCharsets.US_ASCII);
            boolean atLimit = v2 ? positive(counts, "oom")
                    : number(cgroup, "memory.max_usage_in_bytes") >= number(cgroup, "memory.limit_in_bytes");
            if (!atLimit || !positive(counts, "oom_kill")) {
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return new MemorySeen(Math.max(peakSeen, peakIn(cgroup, v2)), "killed by the kernel at its memory cgroup's"
                + " limit of " + (bytes() >> 20) + " MiB, " + TIMES_THE_CAP + " times its cap of " + (capBytes >> 20)
                + " MiB (TASKFORK_TASK_MEMORY): its processes took that memory between two looks of the memory"
                + " watch, or hold it where the watch does not see it, in files in memory (a tmpfs, a memfd)");
    }

    private static long number(Path cgroup, String file) throws IOException {
        return Long.parseLong(Files.readString(cgroup.resolve(file), StandardCharsets.US_ASCII).strip());
    }

    private static boolean positive(List<String> counts, String name) {
        return counts.stream().anyMatch(line -> line.startsWith(name + " ") && !line.equals(name + " 0"));
    }

    // Page cache counts here too, but the kernel takes it back before it kills: at a kill, the peak is
    // what the task held. -1 when it cannot be read (memory.peak came with Linux 5.19).
    private static long peakIn(Path cgroup, boolean v2) {
        try {
            return Long.parseLong(Files.readString(cgroup.resolve(v2 ? "memory.peak" : "memory.max_usage_in_bytes"),
                    StandardCharsets.US_ASCII).strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
