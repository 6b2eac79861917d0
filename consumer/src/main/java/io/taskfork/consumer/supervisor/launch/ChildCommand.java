package io.taskfork.consumer.supervisor.launch;

import io.taskfork.consumer.child.ChildMain;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskfork.consumer.child.Sessions;
import io.taskfork.consumer.child.handlers.ExecLimits;
import io.taskfork.shared.config.ChildSettings;
import io.taskfork.shared.config.WorkSettings;
import io.taskfork.shared.handler.TaskHandler;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The command line of a child JVM: its flags and a classpath of only what a task needs. */
final class ChildCommand {

    // A probe's fatal error log; a child's is in its JvmMarkers.
    private static final String FATAL_ERROR_LOG = "hs_err.log";
    private static final String CHILD_JAR_SUFFIX = "-child.jar";
    // Where a child writes its events: the pipe that Containment.wrap put at descriptor 3.
    private static final String EVENTS = "/proc/self/fd/3";

    // One class from each jar a child needs: the child entry point and built-in handlers, the
    // handler API, and Jackson. Not amqp-client, jdbi, Flyway or the JDBC driver. The child jar
    // holds Jackson's classes too; these are the entries when it is not there (classes folders).
    private static final List<Class<?>> CHILD_JARS = List.of(
            ChildMain.class, TaskHandler.class, ObjectMapper.class, JsonFactory.class, JsonAutoDetect.class);

    /** Where taskfork-child-init finds the size of a namespace's own /dev/shm. */
    private static final String SHM_BYTES = "TASKFORK_SHM_BYTES";

    private final ChildSettings settings;
    private final Containment containment;
    // the task memory cap, which a sandbox's /tmp and /dev/shm, and a namespace's /dev/shm, each hold
    // at most too; 0 for none
    private final long memoryCapBytes;
    private final List<String> classpath;

    ChildCommand(ChildSettings settings, Containment containment, long memoryCapBytes) {
        this.settings = settings;
        this.containment = containment;
        this.memoryCapBytes = memoryCapBytes;
        this.classpath = classpath(settings.handlerPath());
    }

    Containment containment() {
        return containment;
    }

    /**
     * Tells {@code taskfork-child-init}, through a child's {@code environment}, the size of its
     * namespace's own /dev/shm: the memory cap, as a sandbox's.
     */
    void tellChildInit(Map<String, String> environment) {
        if (memoryCapBytes > 0 && containment.namespace() && containment.byChildInit()) {
            environment.put(SHM_BYTES, Long.toString(memoryCapBytes));
        }
    }

    /**
     * The class-data-sharing archive for this command's children; none when a classpath entry is a
     * folder, whose classes the JVM does not archive.
     */
    Optional<ChildArchive> archive() {
        if (!classpath.stream().allMatch(entry -> entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry)))) {
            return Optional.empty();
        }
        return ChildArchive.forChildren(settings.java(), classpath, settings.startup().cacheDir());
    }

    /**
     * The command that starts a child that leaves {@code markers} when it dies, with {@code flags} added to
     * taskfork's own and before the user's.
     *
     * <p>The {@link Containment} moves the pipes before it starts the JVM: the process's stdout pipe
     * becomes descriptor 3, which carries the child's events, and descriptor 1 joins 2 on the stderr
     * pipe, the child's log. Whatever is printed to stdout, by a handler, a native library or the
     * JVM's own logging, lands in the log and never among the events.
     */
    List<String> build(JvmMarkers markers, List<String> flags) {
        List<String> command = new ArrayList<>();
        command.add(settings.java().toString());
        command.add("-Xmx" + settings.heap());
        // No GC threads and a small footprint: a child runs one task and exits.
        command.add("-XX:+UseSerialGC");
        // No shared-memory performance counters file per child in /tmp: nothing reads them.
        command.add("-XX:-UsePerfData");
        // The JIT compiles a method after 5 times as many calls as by default. A short task then spends
        // about a fifth less CPU on compiling code it runs a few times; a long one loses about 5%
        // (README: "Child JVM flags").
        command.add("-XX:CompileThresholdScaling=5");
        // An OutOfMemoryError ends the child at once (exit code 3). The hook leaves a marker first,
        // because System.exit(3) exits 3 too and only the marker tells the two apart.
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-XX:OnOutOfMemoryError=touch " + shellQuote(markers.oom()));
        // A native crash writes its fatal error log where we look for it, then aborts (exit code
        // 134). Whether a core file is written follows the supervisor's "ulimit -c", as for any process.
        command.add("-XX:ErrorFile=" + markers.fatalErrorLog());
        execLimits().forEach(command::add);
        command.addAll(flags);
        command.addAll(settings.startup().javaOptions());
        // Last, after the user's options, so that none can change it: a child told wrongly that its
        // parent ends what is left would leave its task's processes running.
        command.add("-D" + Sessions.PARENT_ADOPTS + "=" + containment.keepsTree());
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(ChildMain.class.getName());
        command.add(EVENTS);
        return containment.wrap(command);
    }

    /**
     * A child JVM with {@code flags} that exits at once (with code 2, after printing its usage)
     * because it is given nowhere to write events: it proves that the JVM starts with those flags.
     */
    List<String> probe(Path folder, List<String> flags) {
        List<String> command = new ArrayList<>();
        command.add(settings.java().toString());
        command.add("-Xmx" + settings.heap());
        command.add("-XX:+UseSerialGC");
        command.add("-XX:-UsePerfData");
        command.add("-XX:ErrorFile=" + folder.resolve(FATAL_ERROR_LOG));
        command.addAll(flags);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(ChildMain.class.getName());
        return command;
    }

    /** What the exec type may run, as system properties: the child has none of the supervisor's settings. */
    private List<String> execLimits() {
        WorkSettings work = settings.work();
        List<String> properties = new ArrayList<>();
        properties.add("-D" + ExecLimits.ALLOW + "=" + String.join(",", work.execAllow()));
        properties.add("-D" + ExecLimits.ROOTS + "=" + String.join(File.pathSeparator,
                work.execRoots().stream().map(Path::toString).toList()));
        properties.add("-D" + ExecLimits.ENV_PASS + "=" + String.join(",", work.execEnvPass()));
        properties.add("-D" + ExecLimits.SANDBOX + "=" + work.execSandbox().kind());
        properties.add("-D" + ExecLimits.NETWORK + "=" + work.execSandbox().network());
        if (memoryCapBytes > 0) {
            properties.add("-D" + ExecLimits.TMP_BYTES + "=" + memoryCapBytes);
        }
        return properties;
    }

    private static List<String> classpath(List<Path> handlerPath) {
        Set<String> entries = new LinkedHashSet<>();
        Optional<Path> childJar = childJar();
        if (childJar.isPresent()) {
            entries.add(childJar.get().toString());
            entries.add(locationOf(TaskHandler.class));
        } else {
            CHILD_JARS.forEach(type -> entries.add(locationOf(type)));
        }
        handlerPath.forEach(path -> entries.add(path.toString()));
        return List.copyOf(entries);
    }

    /**
     * The jar of the child's own classes and Jackson's, built beside the consumer jar; none when the
     * consumer runs from a folder (in tests). The consumer jar's manifest names every library of the
     * supervisor, and a JVM opens each jar of its classpath when it looks for a service, so children
     * use a copy of the classes without that manifest. It carries Jackson's classes without their
     * jars' manifests and versioned classes: a JVM mapping an archive builds the manifest (12 KB for
     * jackson-databind) and URL of each jar it defines a class from, and JDK 25's ZipFile spins a
     * lambda for a jar's versioned entries (README: "What a JDK 25 child costs beyond its floor").
     */
    private static Optional<Path> childJar() {
        String consumer = locationOf(ChildMain.class);
        if (consumer.endsWith(".jar")) {
            Path child = Path.of(consumer.substring(0, consumer.length() - ".jar".length()) + CHILD_JAR_SUFFIX);
            if (Files.isRegularFile(child)) {
                return Optional.of(child);
            }
        }
        return Optional.empty();
    }

    /** The jar, or the classes folder, that {@code type} was loaded from. */
    static String locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the jar of " + type.getName(), e);
        }
    }

    // The JVM runs the OnOutOfMemoryError command through /bin/sh.
    private static String shellQuote(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }
}
