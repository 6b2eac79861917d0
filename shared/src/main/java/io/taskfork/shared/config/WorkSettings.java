package io.taskfork.shared.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Where tasks work and what external commands they may run.
 *
 * @param root        each task works in a fresh {@code root/<task-id>}
 * @param keep        keep the task directories after the tasks, for a look
 * @param execAllow   commands the {@code exec} type may run: names or absolute paths; empty disables it
 * @param execRoots   directories under which an {@code exec} task may name its own {@code cwd}
 * @param execEnvPass names of environment variables an {@code exec} command may inherit
 * @param execSandbox whether an {@code exec} command runs confined, and with or without network
 */
public record WorkSettings(Path root, boolean keep, List<String> execAllow, List<Path> execRoots,
        List<String> execEnvPass, ExecSandbox execSandbox) {

    public WorkSettings {
        execAllow = List.copyOf(execAllow);
        execRoots = List.copyOf(execRoots);
        execEnvPass = List.copyOf(execEnvPass);
    }
}
