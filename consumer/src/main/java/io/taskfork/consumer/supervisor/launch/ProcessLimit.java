package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * TASKFORK_TASK_PROCESSES: a cgroup of the pids controller for each child, which its processes and
 * threads cannot outgrow; a fork past it fails. Without it a fork bomb filled the host's process
 * table, and nothing on the host, the supervisor's own kill included, could start a process or a
 * thread for minutes.
 */
final class ProcessLimit implements CgroupLimit {

    /** Where taskfork-child-init finds the folder of the pids cgroup it enters. */
    private static final String VARIABLE = "TASKFORK_PIDS_CGROUP";

    private final int most;

    ProcessLimit(int most) {
        this.most = most;
    }

    @Override
    public String controller() {
        return "pids";
    }

    @Override
    public String variable() {
        return VARIABLE;
    }

    @Override
    public Map<String, String> files(OwnCgroup own) {
        return Map.of("pids.max", Integer.toString(most));
    }

    @Override
    public String name() {
        return "process limit";
    }

    @Override
    public String amount() {
        return most + " processes and threads per task";
    }

    @Override
    public String setting() {
        return "TASKFORK_TASK_PROCESSES";
    }

    /**
     * The limit, when it refused the child in {@code cgroup} a process or a thread; -1 when it did not,
     * or that cannot be read. {@code pids.events} counts each refusal as {@code max}, but older
     * kernels count there one by a limit above too (the supervisor's own, a container's): so the child
     * must also have held as many as this limit, where the kernel keeps {@code pids.peak} to say so.
     */
    int reachedIn(Path cgroup) {
        try {
            boolean refused = Files.readAllLines(cgroup.resolve("pids.events"), StandardCharsets.US_ASCII).stream()
                    .anyMatch(line -> line.startsWith("max ") && !line.equals("max 0"));
            Path peak = cgroup.resolve("pids.peak");
            if (refused && (!Files.exists(peak)
                    || Long.parseLong(Files.readString(peak, StandardCharsets.US_ASCII).strip()) >= most)) {
                return most;
            }
        } catch (IOException | RuntimeException e) {
            // gone, or a kernel without the file: nothing to tell
        }
        return -1;
    }
}
