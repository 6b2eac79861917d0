package io.taskfork.consumer.supervisor;

import io.taskfork.shared.config.ExecSandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs bubblewrap once at start when TASKFORK_EXEC_SANDBOX=bwrap asks for it, with the mounts and
 * namespaces every exec command will get: a sandbox that cannot run would fail every exec task
 * instead, one by one, long after the operator has looked away.
 */
public final class SandboxTrial {

    private static final long WAIT_SECONDS = 30;

    private SandboxTrial() {
    }

    /** Why the sandbox asked for cannot run, in one line; empty when it runs or none is asked for. */
    public static Optional<String> problem(ExecSandbox sandbox) throws InterruptedException {
        if (!sandbox.bwrap()) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>(List.of("bwrap", "--ro-bind", "/", "/", "--proc", "/proc",
                "--dev", "/dev", "--size", "1048576", "--tmpfs", "/tmp", "--remount-ro", "/dev", "--unshare-pid",
                "--die-with-parent", "--cap-drop", "ALL"));
        if (!sandbox.network()) {
            command.add("--unshare-net");
        }
        command.addAll(List.of("--", "true"));
        Process trial;
        try {
            trial = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return Optional.of("TASKFORK_EXEC_SANDBOX=bwrap, but bwrap cannot be started (is bubblewrap"
                    + " installed and on PATH?): " + e.getMessage());
        }
        try {
            trial.getOutputStream().close();
            if (!trial.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                return Optional.of("TASKFORK_EXEC_SANDBOX=bwrap, but a trial run of bwrap did not end within "
                        + WAIT_SECONDS + " s");
            }
            String output = new String(trial.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (trial.exitValue() != 0) {
                return Optional.of("TASKFORK_EXEC_SANDBOX=bwrap, but a trial run of bwrap failed with exit code "
                        + trial.exitValue() + (output.isEmpty() ? "" : ": " + output.replaceAll("\\s+", " ")));
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("TASKFORK_EXEC_SANDBOX=bwrap, but a trial run of bwrap failed: " + e.getMessage());
        } finally {
            trial.destroyForcibly();
        }
    }
}
