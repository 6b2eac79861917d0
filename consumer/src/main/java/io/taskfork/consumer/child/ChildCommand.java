package io.taskfork.consumer.child;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskfork.consumer.handlers.ExecLimits;
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
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** The command line of a child JVM: its flags and a classpath of only what a task needs. */
final class ChildCommand {

    static final String OOM_MARKER = "oom";
    static final String FATAL_ERROR_LOG = "hs_err.log";

    // One class from each jar a child needs: the child entry point and built-in handlers, the
    // handler API, and Jackson. Not amqp-client, jdbi, Flyway or the JDBC driver.
    private static final List<Class<?>> CHILD_JARS = List.of(
            ChildMain.class, TaskHandler.class, ObjectMapper.class, JsonFactory.class, JsonAutoDetect.class);

    // A child runs in a session of its own, so that Ctrl-C or a hang-up on the supervisor's terminal,
    // which the terminal sends to its whole foreground process group, reaches only the supervisor:
    // the supervisor drains, and no child dies of a signal meant for its parent.
    private static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst();

    private final ChildSettings settings;
    private final String classpath;

    ChildCommand(ChildSettings settings) {
        this.settings = settings;
        this.classpath = classpath(settings.handlerPath());
    }

    /** The command that starts a child working in {@code folder} and talking on {@code socket}. */
    List<String> build(Path folder, Path socket) {
        List<String> command = new ArrayList<>();
        SETSID.ifPresent(setsid -> command.add(setsid.toString()));
        command.add(settings.java().toString());
        command.add("-Xmx" + settings.heap());
        // Few GC threads and a small footprint: a child runs one task and exits.
        command.add("-XX:+UseSerialGC");
        // An OutOfMemoryError ends the child at once (exit code 3). The hook leaves a marker first,
        // because System.exit(3) exits 3 too and only the marker tells the two apart.
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-XX:OnOutOfMemoryError=touch " + shellQuote(folder.resolve(OOM_MARKER)));
        // A native crash writes its fatal error log where we look for it, then aborts (exit code
        // 134). Whether a core file is written follows the supervisor's "ulimit -c", as for any process.
        command.add("-XX:ErrorFile=" + folder.resolve(FATAL_ERROR_LOG));
        execLimits().forEach(command::add);
        command.add("-cp");
        command.add(classpath);
        command.add(ChildMain.class.getName());
        command.add(socket.toString());
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
        return properties;
    }

    private static String classpath(List<Path> handlerPath) {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> type : CHILD_JARS) {
            entries.add(locationOf(type));
        }
        handlerPath.forEach(path -> entries.add(path.toString()));
        return String.join(File.pathSeparator, entries);
    }

    private static String locationOf(Class<?> type) {
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
