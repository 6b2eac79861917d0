package io.taskfork.consumer.supervisor.launch;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One running task's memory, looked at by {@link MemoryWatch}: the largest sum of its processes'
 * resident memory seen, and whether it is over its cap.
 *
 * <p>A task is over its cap as YARN's ContainersMonitor decides it: at once when all its processes
 * hold more than twice the cap, else only when the processes already seen at the look before hold
 * more than the cap, so that a short spike of a process just started (a fork before an exec) kills
 * nothing. Resident memory counts a page shared by two processes twice, so before a kill the sum is
 * taken again as proportional set size (PSS), which counts each shared page once in all.
 */
final class MemoryBudget {

    private static final long MIB = 1 << 20;
    private static final int LARGEST_NAMED = 3;

    private final long pid;
    private final long capBytes;
    private final Consumer<String> kill;
    private Set<String> seenBefore = Set.of();
    private volatile long peakBytes = -1;
    private volatile String exceeded;

    MemoryBudget(long pid, long capBytes, Consumer<String> kill) {
        this.pid = pid;
        this.capBytes = capBytes;
        this.kill = kill;
    }

    long pid() {
        return pid;
    }

    /** The largest sum of the task's processes' resident memory seen, or -1 before the first look. */
    long peakBytes() {
        return peakBytes;
    }

    /** Why the task was killed for its memory, or null if it was not. */
    String exceeded() {
        return exceeded;
    }

    /**
     * Notes the resident sum of the task's processes, read where it is no more than half the cap: a
     * task that low is over it by no measure, so only the peak changes.
     */
    void glance(long residentBytes) {
        peakBytes = Math.max(peakBytes, residentBytes);
    }

    /** Takes one look at the task's processes, kills it when it is over; returns their resident sum. */
    long look(List<ProcessTable.Entry> members) {
        Set<String> seen = new HashSet<>();
        long all = 0;
        long aged = 0;
        for (ProcessTable.Entry member : members) {
            // a PID with another start time is another process
            String key = member.pid() + "@" + member.startTicks();
            seen.add(key);
            all += member.residentBytes();
            if (seenBefore.contains(key)) {
                aged += member.residentBytes();
            }
        }
        peakBytes = Math.max(peakBytes, all);
        if (exceeded == null) {
            if (all > 2 * capBytes) {
                confirm(members, 2 * capBytes, "at once more than twice its cap");
            } else if (aged > capBytes) {
                Set<String> before = seenBefore;
                confirm(members.stream().filter(m -> before.contains(m.pid() + "@" + m.startTicks())).toList(),
                        capBytes, "over its cap");
            }
        }
        seenBefore = seen;
        return all;
    }

    private void confirm(List<ProcessTable.Entry> members, long limit, String how) {
        List<Sized> sized = members.stream()
                .map(member -> new Sized(member, ProcessTable.proportionalBytes(member.pid())))
                .filter(process -> process.bytes() > 0).toList();
        long total = sized.stream().mapToLong(Sized::bytes).sum();
        if (total <= limit) {
            return;
        }
        exceeded = "killed with its process tree: its processes held " + total / MIB + " MiB, " + how + " of "
                + capBytes / MIB + " MiB (TASKFORK_TASK_MEMORY); peak seen " + Math.max(peakBytes, total) / MIB
                // a process under a MiB (the namespace's first, say) would be named as 0 MiB
                + " MiB; largest: " + sized.stream().filter(process -> process.bytes() >= MIB)
                        .sorted(Comparator.comparingLong(Sized::bytes).reversed()).limit(LARGEST_NAMED)
                        .map(process -> process.entry().name() + " (pid " + process.entry().pid() + ") "
                                + process.bytes() / MIB + " MiB")
                        .collect(Collectors.joining(", "));
        kill.accept(exceeded);
    }

    private record Sized(ProcessTable.Entry entry, long bytes) {
    }
}
