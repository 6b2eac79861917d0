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

    /** The file in the work root that names the schema whose tasks work there; see the consumer's WorkDirOwner. */
    public static final String OWNER_FILE = ".taskfork-owner";

    public WorkSettings {
        execAllow = List.copyOf(execAllow);
        execRoots = List.copyOf(execRoots);
        execEnvPass = List.copyOf(execEnvPass);
    }

    /**
     * The work folder when none is set: one per schema, since task IDs are unique within a schema
     * only, and supervisors of two schemas on one host would otherwise clear each other's task folders.
     */
    public static Path defaultRoot(String schema) {
        return Path.of(System.getProperty("java.io.tmpdir"), "taskfork-work", schema);
    }

    /** What the {@code exec} type may run and how, for the supervisor's start. */
    public String execSummary() {
        if (execAllow.isEmpty()) {
            return "off (TASKFORK_EXEC_ALLOW names no command)";
        }
        // A setting of taskfork's own never reaches a child, whatever asks for it: said, not passed.
        List<String> withheld = execEnvPass.stream().filter(name -> name.startsWith("TASKFORK_")).toList();
        return String.join(", ", execAllow) + (execSandbox.bwrap()
                ? "; under bwrap, " + (execSandbox.network() ? "with" : "without") + " the host's network"
                : "; no sandbox (TASKFORK_EXEC_SANDBOX=off)")
                + (withheld.isEmpty() ? "" : "; not passed on, as no child is given taskfork's own settings: "
                        + String.join(", ", withheld));
    }
}
