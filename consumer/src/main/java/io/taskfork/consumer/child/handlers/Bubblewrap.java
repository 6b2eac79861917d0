package io.taskfork.consumer.child.handlers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@code exec} command under bubblewrap (TASKFORK_EXEC_SANDBOX=bwrap): the whole system
 * read-only, a private {@code /tmp} and {@code /dev/shm}, the other tasks' directories hidden, and
 * only the task's own directory, its {@code cwd} and those two writable.
 */
final class Bubblewrap {

    /** Looked up on the child's PATH, which is the supervisor's, where the supervisor tried it at start. */
    static final String COMMAND = "bwrap";
    /** Empty in the sandbox: a folder of its own, not the host's. */
    static final Path TMP = Path.of("/tmp");

    private Bubblewrap() {
    }

    /**
     * @param tmpBytes the most the private /tmp and /dev/shm may each hold, 0 for no bound: files
     *                 there are memory that no process holds, which the memory cap does not see
     */
    static List<String> wrap(List<String> argv, Path workDirectory, Path cwd, boolean network, long tmpBytes) {
        List<String> command = new ArrayList<>(List.of(COMMAND,
                "--ro-bind", "/", "/",
                "--proc", "/proc",
                "--dev", "/dev"));
        // shared memory is files as well, and the rest of /dev (a file system in memory) read-only
        for (String memory : List.of(TMP.toString(), "/dev/shm")) {
            if (tmpBytes > 0) {
                command.addAll(List.of("--size", Long.toString(tmpBytes)));
            }
            command.addAll(List.of("--tmpfs", memory));
        }
        command.addAll(List.of("--remount-ro", "/dev"));
        if (!cwd.equals(workDirectory)) {
            bind(command, cwd);
        }
        // Then an empty directory over every task's directory, and this task's own back in it: after
        // the cwd, so that no cwd, not even one above or inside them, shows another task's files.
        // Read-only, so that nothing but the task's own directory is written there.
        command.addAll(List.of("--tmpfs", workDirectory.getParent().toString()));
        bind(command, workDirectory);
        command.addAll(List.of("--remount-ro", workDirectory.getParent().toString()));
        command.addAll(List.of("--chdir", cwd.toString()));
        if (!network) {
            command.add("--unshare-net");
        }
        // No --new-session: the command must stay in the child's session, where ExecHandler (and,
        // through a shell without a namespace, the supervisor) finds what it leaves running. The
        // child has no terminal for it to reach.
        // Root keeps its capabilities in bwrap unless told otherwise, and could remount / writable.
        command.addAll(List.of("--unshare-pid", "--die-with-parent", "--cap-drop", "ALL", "--"));
        command.addAll(argv);
        return command;
    }

    private static void bind(List<String> command, Path directory) {
        command.addAll(List.of("--bind", directory.toString(), directory.toString()));
    }
}
