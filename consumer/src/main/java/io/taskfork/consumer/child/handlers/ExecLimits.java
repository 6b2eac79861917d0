package io.taskfork.consumer.child.handlers;

import io.taskfork.shared.handler.NonRetryableException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the {@code exec} type may run, as the supervisor's TASKFORK_EXEC_* settings say. They reach
 * the child as system properties, since its environment holds none of the supervisor's settings.
 */
public record ExecLimits(List<String> allow, List<Path> roots, List<String> envPass, boolean sandbox,
        boolean network, long tmpBytes) {

    public static final String ALLOW = "taskfork.exec.allow";
    public static final String ROOTS = "taskfork.exec.roots";
    public static final String ENV_PASS = "taskfork.exec.env-pass";
    public static final String SANDBOX = "taskfork.exec.sandbox";
    public static final String NETWORK = "taskfork.exec.network";
    /** The most a sandbox's /tmp and /dev/shm, in memory, may each hold: the task memory cap. 0: no bound. */
    public static final String TMP_BYTES = "taskfork.exec.tmp-bytes";

    static ExecLimits fromSystemProperties() {
        return new ExecLimits(
                split(System.getProperty(ALLOW, ""), ","),
                split(System.getProperty(ROOTS, ""), File.pathSeparator).stream().map(Path::of).toList(),
                split(System.getProperty(ENV_PASS, ""), ","),
                "bwrap".equals(System.getProperty(SANDBOX)),
                !"false".equals(System.getProperty(NETWORK)),
                Long.parseLong(System.getProperty(TMP_BYTES, "0")));
    }

    /**
     * Refuses a command that is not on the allow-list: a bare name must be listed as that name, a
     * path must be listed as that absolute path. Nothing is ever run through a shell.
     */
    void check(String command) {
        if (allow.isEmpty()) {
            throw new NonRetryableException("exec is disabled: the supervisor allows no command (TASKFORK_EXEC_ALLOW)");
        }
        boolean allowed = command.contains("/")
                ? allow.contains(Path.of(command).normalize().toString()) && Path.of(command).isAbsolute()
                : allow.contains(command);
        if (!allowed) {
            throw new NonRetryableException("command " + command + " is not in TASKFORK_EXEC_ALLOW ("
                    + String.join(", ", allow) + ")");
        }
    }

    /**
     * {@code argv} with a bare command name replaced by the program it names on this process's
     * PATH; a path stays as it is.
     *
     * @throws NonRetryableException when no program of that name is on the PATH
     */
    static List<String> foundOnPath(List<String> argv, List<Path> bound) {
        String name = argv.get(0);
        if (name.contains("/")) {
            return runnable(Path.of(name), bound, argv);
        }
        for (String folder : String.valueOf(System.getenv("PATH")).split(":")) {
            // an empty or relative entry names a folder of the task's own: never a place to look
            if (folder.isEmpty() || !Path.of(folder).isAbsolute()) {
                continue;
            }
            Path program = Path.of(folder, name);
            if (Files.isRegularFile(program) && Files.isExecutable(program)) {
                List<String> found = new ArrayList<>(argv);
                found.set(0, program.toString());
                return found;
            }
        }
        throw new NonRetryableException("command " + name + " is allowed, but there is no such program on the"
                + " supervisor's PATH");
    }

    /**
     * An allowed path as bwrap would run it, or a refusal now: bwrap itself would start, fail to run it and exit
     * 1, a failure that every attempt would meet alike. Under /tmp it is not there at all, unless in a folder
     * the sandbox binds ({@code bound}): the sandbox has a /tmp of its own.
     */
    private static List<String> runnable(Path program, List<Path> bound, List<String> argv) {
        Path real;
        try {
            real = program.toRealPath();
        } catch (IOException e) {
            real = program.toAbsolutePath().normalize();
        }
        if (real.startsWith(Bubblewrap.TMP) && bound.stream().noneMatch(real::startsWith)) {
            throw new NonRetryableException("command " + program + " is allowed, but it lies under " + Bubblewrap.TMP
                    + ", which the sandbox replaces with an empty one of its own: install it elsewhere");
        }
        if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
            throw new NonRetryableException("command " + program + " is allowed, but it is no program the"
                    + " supervisor's user may run");
        }
        return argv;
    }

    /** The directory a task asked to work in, if it lies under an allowed root. */
    Path checkCwd(String cwd) {
        if (roots.isEmpty()) {
            throw new NonRetryableException("cwd " + cwd + " is not allowed: TASKFORK_EXEC_ROOTS names no directory"
                    + " a command may work in; left out, a command works in its task's own folder");
        }
        try {
            Path real = Path.of(cwd).toRealPath();
            for (Path root : roots) {
                if (Files.isDirectory(real) && real.startsWith(root.toRealPath())) {
                    return real;
                }
            }
        } catch (IOException e) {
            throw new NonRetryableException("cwd " + cwd + " does not exist");
        }
        throw new NonRetryableException("cwd " + cwd + " is not a directory under TASKFORK_EXEC_ROOTS ("
                + String.join(File.pathSeparator, roots.stream().map(Path::toString).toList()) + ")");
    }

    private static List<String> split(String text, String separator) {
        return Arrays.stream(text.split(java.util.regex.Pattern.quote(separator)))
                .map(String::strip)
                .filter(part -> !part.isEmpty())
                .toList();
    }
}
