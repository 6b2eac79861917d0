package io.taskfork.consumer.supervisor.launch;

import io.taskfork.consumer.child.ChildMain;
import io.taskfork.shared.TaskforkException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** A child JVM could not be started at all: every task would fail the same way. */
public final class ChildStartException extends TaskforkException {

    // What the java launcher prints when the JVM refuses its options (an unknown flag, a heap it cannot have)
    private static final String REFUSED = "Error: Could not create the Java Virtual Machine.";
    // What the JVM prints, without the launcher's line, for options it takes one by one but not together
    // (a second garbage collector beside the children's SerialGC)
    private static final String REFUSED_AT_INIT = "Error occurred during initialization of VM";
    private static final String LAST_WORDS = "Error: A fatal exception has occurred. Program will exit.";
    // The java launcher's own words for a command line it cannot read: an option without its value
    // ("-cp" last), or a word where an option was due, taken for the main class. Only the settings
    // put such words on a child's command line; a ChildMain not found is the installation's fault.
    private static final Pattern LAUNCHER_REFUSED = Pattern.compile("(?m)^Error: (-\\S+ requires .*"
            + "|Could not find or load main class (?!" + Pattern.quote(ChildMain.class.getName()) + "$).*)$");

    private final boolean optionsRefused;

    public ChildStartException(int exitCode, String output) {
        this(exitCode, output, Optional.empty());
    }

    /** As above, where {@code notAJava} is the child's java when no JDK's version can be read beside it. */
    public ChildStartException(int exitCode, String output, Optional<Path> notAJava) {
        super(notAJava.map(java -> "TASKFORK_CHILD_JAVA=" + java + " is not a java: no JDK's version can be read"
                + " beside it, and " + message(exitCode, output)).orElseGet(() -> message(exitCode, output)));
        this.optionsRefused = refused(output) || notAJava.isPresent();
    }

    /** Whether the JVM refused the options or the java the settings gave it: the settings' fault, not the host's. */
    public boolean optionsRefused() {
        return optionsRefused;
    }

    // The JVM's own reason comes before the line every refusal ends with, on one line or several
    // ("Error occurred during initialization of VM", then why); a note of picked-up options is none.
    private static String message(int exitCode, String output) {
        List<String> lines = output.strip().lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.equals(LAST_WORDS) && !line.contains("Picked up ")).toList();
        if (refused(output)) {
            List<String> reason = lines.indexOf(REFUSED) < 0 ? lines : lines.subList(0, lines.indexOf(REFUSED));
            return "a child JVM refused its options (TASKFORK_CHILD_JAVA_OPTIONS, TASKFORK_CHILD_HEAP,"
                    + " TASKFORK_CHILD_JAVA): "
                    + (reason.isEmpty() ? "exit code " + exitCode : String.join("; ", reason));
        }
        return "a child JVM could not start (exit code " + exitCode + "): "
                + (lines.isEmpty() ? "no output" : lines.get(lines.size() - 1));
    }

    private static boolean refused(String output) {
        return output.contains(REFUSED) || output.contains(REFUSED_AT_INIT) || LAUNCHER_REFUSED.matcher(output).find();
    }
}
