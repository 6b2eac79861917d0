package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * How a way of containing a child ran {@code true} once, at the supervisor's start: its exit code
 * ({@link #NO_ANSWER}, {@link #NOT_STARTED}) and why it failed, the last line it printed or what
 * else went wrong.
 */
record ContainmentProbe(int exitCode, String why) {

    // A probe that has not ended within this never will.
    static final long WITHIN_MS = 10_000;
    private static final int NO_ANSWER = -1;
    private static final int NOT_STARTED = -2;
    // A program that could not be run, or its file taken for a shell script (126, 127), or its usage (2).
    private static final Set<Integer> DID_NOT_RUN = Set.of(NOT_STARTED, 2, 126, 127);

    /** Runs {@code prefix} with {@code true} as its command. */
    static ContainmentProbe run(List<String> prefix) {
        List<String> command = new ArrayList<>(prefix);
        command.add("true");
        try {
            // its one line of complaint fits in the pipe: read once it has ended
            Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!probe.waitFor(WITHIN_MS, TimeUnit.MILLISECONDS)) {
                probe.destroyForcibly();
                return new ContainmentProbe(NO_ANSWER, "no answer within " + WITHIN_MS / 1000 + " s");
            }
            List<String> lines = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines().filter(line -> !line.isBlank()).toList();
            return new ContainmentProbe(probe.exitValue(),
                    lines.isEmpty() ? "exit code " + probe.exitValue() : lines.get(lines.size() - 1).trim());
        } catch (IOException e) {
            return new ContainmentProbe(NOT_STARTED, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ContainmentProbe(NO_ANSWER, "interrupted");
        }
    }

    boolean passed() {
        return exitCode == 0;
    }

    /** The program itself did not run here (built for another machine, say): no other mode of it will. */
    boolean didNotRun() {
        return DID_NOT_RUN.contains(exitCode);
    }
}
