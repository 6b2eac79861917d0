package io.taskfork.consumer.supervisor.launch;

import io.taskfork.shared.config.ChildContainment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps a task from leaving anything running after it, chosen once when the supervisor starts:
 * the strongest the host offers, unless {@code TASKFORK_CONTAINMENT=session} asks for the
 * session alone.
 *
 * <p>A PID namespace per child: when the namespace's first process ends, the kernel kills every
 * process in it, a daemon that called setsid included. Otherwise, with {@code taskfork-child-init},
 * the child's process tree: it is the subreaper of what the JVM starts, so an orphan stays in its
 * tree, and it kills what is left once the JVM has ended. Without it, the child's session, which the
 * supervisor sweeps after each child; a process that calls setsid leaves it.
 *
 * <p>Both are made by {@code taskfork-child-init}, a small program the build compiles beside the
 * consumer's classes when it finds a C compiler; without it, by {@code setsid}, {@code unshare} and
 * a shell, which cost a child about four program starts more (README: "What containment costs a
 * task").
 */
final class Containment {

    private static final Logger LOG = LoggerFactory.getLogger(Containment.class);
    static final String CHILD_INIT = "taskfork-child-init";
    private static final String INIT_NAMESPACE = "a PID namespace per child (" + CHILD_INIT + ")";
    private static final String UNSHARE_NAMESPACE = "a PID namespace per child (unshare --pid --fork --kill-child)";

    // A child runs in a session of its own, so that Ctrl-C or a hang-up on the supervisor's terminal,
    // which the terminal sends to its whole foreground process group, reaches only the supervisor:
    // the supervisor drains, and no child dies of a signal meant for its parent.
    private static final Optional<Path> SETSID = executable("setsid");

    private final List<String> prefix;
    private final boolean namespace;
    private final boolean shell;
    private final boolean subreaper;
    private final String description;

    private Containment(List<String> prefix, boolean namespace, boolean shell, String description) {
        this(prefix, namespace, shell, false, description);
    }

    private Containment(List<String> prefix, boolean namespace, boolean shell, boolean subreaper, String description) {
        this.prefix = List.copyOf(prefix);
        this.namespace = namespace;
        this.shell = shell;
        this.subreaper = subreaper;
        this.description = description;
    }

    /**
     * With {@code auto}, tries a PID namespace once, as root and then in a user namespace of its own;
     * else, or with {@code session}, the session.
     */
    static Containment detect(ChildContainment choice) {
        return detect(choice, childInit());
    }

    /** As {@link #detect(ChildContainment)}, with {@code taskfork-child-init} at {@code found} or none. */
    static Containment detect(ChildContainment choice, Optional<Path> found) {
        Optional<Containment> withInit = found.flatMap(init -> withChildInit(choice, init));
        if (withInit.isPresent()) {
            return withInit.get();
        }
        if (choice == ChildContainment.SESSION) {
            // No namespace is tried: the operator has chosen, and a misbehaving one could hold up the
            // start for ContainmentProbe.WITHIN_MS.
            return session("TASKFORK_CONTAINMENT=session", Optional.empty());
        }
        Optional<Path> unshare = executable("unshare");
        if (unshare.isPresent()) {
            // --mount-proc: the JVM and the commands it runs read /proc for their own PIDs and
            // descendants, which must be those of the namespace.
            List<String> flags = List.of(unshare.get().toString(), "--pid", "--fork", "--kill-child", "--mount-proc");
            for (List<String> user : List.of(List.<String>of(), List.of("--user", "--map-root-user"))) {
                List<String> command = new ArrayList<>(flags);
                command.addAll(user);
                if (works(command)) {
                    List<String> prefix = new ArrayList<>();
                    SETSID.ifPresent(setsid -> prefix.add(setsid.toString()));
                    prefix.addAll(command);
                    return new Containment(prefix, true, true,
                            user.isEmpty() ? UNSHARE_NAMESPACE : UNSHARE_NAMESPACE + " in a user namespace");
                }
            }
        }
        return session("no usable unshare", Optional.empty());
    }

    /**
     * {@code taskfork-child-init}'s namespace, where {@code choice} asks for one and the host allows
     * it, else its session mode; empty, with a warning, when neither runs here. The session mode
     * needs the subreaper, which a host may refuse where it allows a namespace, so it is probed on
     * its own. A copy that does not run at all (built for another machine, say) would fail every
     * child: its first probe tells, and it is done without. Any other failure of a namespace (the
     * host's refusal, a seccomp filter's kill) leaves the session mode to be tried.
     */
    private static Optional<Containment> withChildInit(ChildContainment choice, Path init) {
        String why = "TASKFORK_CONTAINMENT=session";
        if (choice == ChildContainment.AUTO) {
            ContainmentProbe probe = null;
            for (String mode : List.of("namespace", "user-namespace")) {
                List<String> prefix = List.of(init.toString(), mode, "--");
                probe = ContainmentProbe.run(prefix);
                if (probe.passed()) {
                    return Optional.of(new Containment(prefix, true, false,
                            mode.equals("namespace") ? INIT_NAMESPACE : INIT_NAMESPACE + " in a user namespace"));
                }
                if (probe.didNotRun()) {
                    LOG.warn("{} did not run ({}); children start through setsid, unshare and a shell instead",
                            init, probe.why());
                    return Optional.empty();
                }
            }
            why = "no PID namespace allowed: " + probe.why();
        }
        ContainmentProbe session = ContainmentProbe.run(List.of(init.toString(), "session", "--"));
        if (session.passed()) {
            return Optional.of(session(why, Optional.of(init)));
        }
        LOG.warn("{} {} ({}); children start through {} instead", init,
                session.didNotRun() ? "did not run" : "cannot keep a child's tree here without a PID namespace",
                session.why(), choice == ChildContainment.SESSION ? "setsid and a shell"
                        : "setsid, unshare and a shell");
        return Optional.empty();
    }

    private static Containment session(String why, Optional<Path> init) {
        String description = "the child's session only (" + why + "); a process that calls setsid escapes";
        if (init.isPresent()) {
            return new Containment(List.of(init.get().toString(), "session", "--"), false, false, true,
                    "the child's process tree without a PID namespace (" + why + "): " + CHILD_INIT
                            + " takes in its orphans, one that called setsid included, and ends them with the child");
        }
        return SETSID.map(setsid -> new Containment(List.of(setsid.toString()), false, true, description))
                .orElseGet(() -> new Containment(List.of(), false, true,
                        "none (" + why + ", and no setsid found); what a task starts may outlive it"));
    }

    /**
     * {@code taskfork-child-init} where the build left it: beside the consumer's jar, or beside its
     * classes folder when they run from one (in tests).
     */
    static Optional<Path> childInit() {
        return runnable(Path.of(ChildCommand.locationOf(Containment.class)).resolveSibling(CHILD_INIT));
    }

    /**
     * {@code init} if it can be run; a copy that lost its execute bit (copied without its mode, say) is
     * said, since without it a process that calls setsid escapes its task.
     */
    static Optional<Path> runnable(Path init) {
        if (Files.isExecutable(init)) {
            return Optional.of(init);
        }
        if (Files.isRegularFile(init)) {
            LOG.warn("{} is not executable (chmod +x it): children are contained without it", init);
        }
        return Optional.empty();
    }

    /**
     * The command that runs {@code command} contained, with its stdout moved to descriptor 3 and
     * descriptor 1 joined to 2 (see {@link ChildCommand#build}).
     *
     * <p>In a namespace, the JVM is not its first process: that one ignores every signal it has no
     * handler for, so a JVM there would not die of the SIGABRT of its own crash. taskfork-child-init,
     * or else a shell, is first instead; it runs the JVM as its child, in a session of the JVM's own,
     * holds nothing of the JVM's stdin but passes it on, and exits with the JVM's status (128 + N for
     * a signal N), as the JVM's own death would have shown. The JVM's end ends it, and so the
     * namespace.
     */
    List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(prefix);
        if (!shell) {
            wrapped.addAll(command);
            return wrapped;
        }
        wrapped.add("/bin/sh");
        wrapped.add("-c");
        if (namespace) {
            // A background job's stdin is /dev/null unless it is redirected; descriptor 4 carries it over.
            // The shell's own report of a signal death ("Aborted") would land in the child's log.
            wrapped.add("exec 3>&1 1>&2 4<&0; " + (SETSID.isPresent() ? "\"$0\" " : "") + "\"$@\" <&4 4<&- &"
                    + " wait $! 2>/dev/null; exit $?");
            wrapped.add(SETSID.map(Path::toString).orElse("taskfork-child"));
        } else {
            wrapped.add("exec 3>&1 1>&2 \"$@\"");
            wrapped.add("taskfork-child");
        }
        wrapped.addAll(command);
        return wrapped;
    }

    /** Whether what a child leaves behind dies with it without the supervisor's help. */
    boolean namespace() {
        return namespace;
    }

    /**
     * Whether every process the child starts stays in the tree of the process the supervisor
     * started, an orphan included, until that process ends: in a namespace, and under
     * {@code taskfork-child-init}'s session mode, whose subreaper takes the orphans in and, once
     * the JVM has ended, kills them. Then no look through the host's {@code /proc} is needed after
     * a child, unless it was killed (see {@link SessionServices#killLeftovers}).
     */
    boolean keepsTree() {
        return namespace || subreaper;
    }

    /**
     * Whether {@code taskfork-child-init} keeps the tree without a namespace: the supervisor then
     * sweeps what was left only after a kill (see {@link SessionServices#killLeftovers}).
     */
    boolean subreaper() {
        return subreaper;
    }

    /** Whether {@code taskfork-child-init} starts the children, in a namespace or not. */
    boolean byChildInit() {
        return !prefix.isEmpty() && Path.of(prefix.get(0)).getFileName().toString().equals(CHILD_INIT);
    }

    /**
     * Whether the child's JVM leads a session of its own, whose ID is its PID (setsid(1) forks only
     * when its caller leads a process group, which a process just started does not), so that its
     * session is the task's alone.
     */
    boolean ownSession() {
        return !shell || SETSID.isPresent();
    }

    /** The mechanism in the words of the supervisor's log line. */
    String description() {
        return description;
    }

    private static boolean works(List<String> prefix) {
        return ContainmentProbe.run(prefix).passed();
    }

    private static Optional<Path> executable(String name) {
        return Stream.of("/usr/bin/", "/bin/").map(folder -> Path.of(folder + name)).filter(Files::isExecutable)
                .findFirst();
    }
}
