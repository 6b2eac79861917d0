package io.taskfork.consumer.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * What a task may leave running, found by name: a background {@code sleep} named
 * NAME-bg, and a daemon, a {@code sleep} named NAME-daemon that left the task's session by calling
 * setsid from a process that then exited. A test handler or agent in a child starts them too, so
 * this class needs nothing a child's classpath lacks.
 */
public final class LeftBehind {

    /** Longer than any promise of an end: a process still there after it is not going away. */
    public static final Duration GONE_WITHIN = Duration.ofSeconds(10);
    private static final Duration STARTED_WITHIN = Duration.ofSeconds(60);

    private LeftBehind() {
    }

    /** A name no other test's processes have. */
    public static String uniqueName() {
        return "taskfork-leftover-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * A bash command that starts both processes and returns at once. The daemon lets go of the
     * command's output, as daemons do: the exec type reads that output to its end.
     */
    public static String shell(String name) {
        return "bash -c 'exec -a " + name + "-bg sleep 300' & "
                + "(setsid bash -c 'exec -a " + name + "-daemon sleep 300' >/dev/null 2>&1 &)";
    }

    /** The payload of an exec task that starts both processes, then runs {@code last}. */
    public static String execPayload(String name, String last) {
        return "{\"argv\":[\"bash\",\"-c\",\"" + shell(name) + "; " + last + "\"]}";
    }

    /** Whether either process runs. */
    public static boolean anyRunning(String name) {
        return !HostProcesses.named(name + "-bg").isEmpty() || !HostProcesses.named(name + "-daemon").isEmpty();
    }

    /** Waits until both processes run. */
    public static void awaitStarted(String name) throws InterruptedException {
        Instant deadline = Instant.now().plus(STARTED_WITHIN);
        while (HostProcesses.named(name + "-bg").isEmpty() || HostProcesses.named(name + "-daemon").isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("both processes named " + name + "-* not started within " + STARTED_WITHIN);
            }
            Thread.sleep(20);
        }
    }

    /** How long from {@code from} until neither process runs; fails after {@link #GONE_WITHIN}. */
    public static Duration awaitGone(String name, Instant from) throws InterruptedException {
        Instant deadline = from.plus(GONE_WITHIN);
        while (anyRunning(name)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("still running " + GONE_WITHIN + " after the end: "
                        + (HostProcesses.named(name + "-bg").isEmpty() ? "" : name + "-bg ")
                        + (HostProcesses.named(name + "-daemon").isEmpty() ? "" : name + "-daemon"));
            }
            Thread.sleep(10);
        }
        return Duration.between(from, Instant.now());
    }
}
