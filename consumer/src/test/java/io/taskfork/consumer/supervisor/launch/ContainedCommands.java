package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.HostProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shell scripts run as a child is, inside a containment; each killed with its tree at the end of a test. */
final class ContainedCommands {

    private final List<Process> started = new ArrayList<>();

    /** Runs {@code script} with {@code input} on its stdin and waits, at most 10 s, for its end. */
    Process run(Containment containment, String script, String input) throws Exception {
        Process process = start(containment, script);
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("%s ends", script).isTrue();
        return process;
    }

    Process start(Containment containment, String script) throws IOException {
        return started(new ProcessBuilder(containment.wrap(List.of("/bin/sh", "-c", script))).start());
    }

    /** {@code process}, to be killed with its tree at the end of the test. */
    Process started(Process process) {
        started.add(process);
        return process;
    }

    void killAll() {
        started.forEach(ProcessTrees::kill);
    }

    /** Waits, at most 5 s, until no process of the host has {@code marker} among its arguments. */
    static boolean awaitGone(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (processes(marker) > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Waits, at most 10 s, until {@code count} processes of the host have {@code marker} among their arguments. */
    static void awaitRunning(String marker, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (processes(marker) < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Live processes of the host whose command line holds the marker. */
    static long processes(String marker) {
        return HostProcesses.withArgument(marker).size();
    }
}
