package io.taskfork.consumer.supervisor.launch;

import io.taskfork.shared.config.ChildJit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which JIT compilers a child runs ({@code TASKFORK_CHILD_JIT}). C2 starts with the JVM and first
 * compiles its own runtime stubs, a few milliseconds of CPU in every child, which only code that
 * runs hot for a while wins back; C1 alone skips that (README: "Which JIT a child runs").
 *
 * <p>Under {@code auto}, a type whose last {@link #STREAK} tasks each had their handler use less than
 * {@link #QUICK_CPU} of its JVM's CPU gets C1 alone; any other type, one not yet seen by this
 * supervisor included, gets the tiered JIT; a task whose child reported no return (a crash, a kill)
 * starts the count again. CPU, not time: C2 pays off only for code that runs hot, and time would
 * count a task's waits, and on a busy host the other processes' turns, as its own. A standby child
 * runs C1 alone once the last {@link #STREAK} tasks handed out did, and a task that needs the tiered
 * JIT never takes one running C1 alone; one that does not takes either.
 */
final class JitChoice {

    static final int STREAK = 3;
    static final Duration QUICK_CPU = Duration.ofMillis(100);
    static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
    // C1 compiles a method after 20 times the JVM's calls (4 times a tiered child's), and a loop after
    // as many turns as a tiered child's (5 times the JVM's 60000). A standby child interprets its start
    // and its rehearsal, then waits, and its compiler works through what they made hot meanwhile:
    // 2 to 5 ms of a quick task's CPU, most of it for code the task never runs again. A long task of
    // a quick type pays for it once, in calls interpreted before C1 takes them (README: "Which JIT a
    // child runs").
    private static final List<String> C1_THRESHOLDS =
            List.of("-XX:CompileThresholdScaling=20", "-XX:Tier3BackEdgeThreshold=15000");

    private final ChildJit setting;
    private final Map<String, Integer> quickInARow = new ConcurrentHashMap<>();
    private final AtomicInteger c1HandedOutInARow = new AtomicInteger();

    JitChoice(ChildJit setting) {
        this.setting = setting;
    }

    /** Whether the child of a task of {@code type}, handed out now, runs C1 alone. */
    boolean forTask(String type) {
        boolean c1 = switch (setting) {
            case C1 -> true;
            case TIERED -> false;
            case AUTO -> quickInARow.getOrDefault(type, 0) >= STREAK;
        };
        if (c1) {
            c1HandedOutInARow.updateAndGet(count -> Math.min(count + 1, STREAK));
        } else {
            c1HandedOutInARow.set(0);
        }
        return c1;
    }

    /**
     * Whether a standby child started now runs C1 alone: once the last {@link #STREAK} tasks handed
     * out ran C1 alone. Where quick and slow types take turns, standby children keep C2, and both take them.
     */
    boolean forStandby() {
        return setting == ChildJit.C1 || (setting == ChildJit.AUTO && c1HandedOutInARow.get() >= STREAK);
    }

    /**
     * {@code flags} with those of the JIT that {@code c1} says; a child's command has them after its
     * own thresholds, which they replace.
     */
    List<String> with(List<String> flags, boolean c1) {
        if (!c1) {
            return flags;
        }
        List<String> all = new ArrayList<>(flags);
        all.add(C1_ONLY);
        all.addAll(C1_THRESHOLDS);
        return all;
    }

    /** Counts a task of {@code type} whose handler used {@code handlerCpuMillis} of CPU, -1 when it never returned. */
    void record(String type, long handlerCpuMillis) {
        if (handlerCpuMillis >= 0 && handlerCpuMillis < QUICK_CPU.toMillis()) {
            quickInARow.merge(type, 1, (count, one) -> Math.min(count + one, STREAK));
        } else {
            quickInARow.put(type, 0);
        }
    }

    /** For the start line: what children get. */
    String description() {
        return switch (setting) {
            case C1 -> "C1 alone (TASKFORK_CHILD_JIT=c1)";
            case TIERED -> "C1 and C2 (TASKFORK_CHILD_JIT=tiered)";
            case AUTO -> "C1 alone for a type whose last " + STREAK + " tasks each used under "
                    + QUICK_CPU.toMillis() + " ms of CPU, else C1 and C2";
        };
    }
}
