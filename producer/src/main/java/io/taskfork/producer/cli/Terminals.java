package io.taskfork.producer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the standard output and the standard error of this process are terminals: a person
 * reads them then, so {@code status} shows a readable view and {@code enqueue} a progress bar;
 * otherwise a script does, and gets JSON and plain lines.
 *
 * @param out the standard output is a terminal
 * @param err the standard error is a terminal
 */
record Terminals(boolean out, boolean err) {

    /** Neither is a terminal: what tests and pipes get. */
    static final Terminals NONE = new Terminals(false, false);

    private static final Path OWN_DESCRIPTORS = Path.of("/proc/self/fd");

    /** The terminals of this process. */
    static Terminals detect() {
        if (Files.isDirectory(OWN_DESCRIPTORS)) {
            return new Terminals(isTerminal(1), isTerminal(2));
        }
        // Without /proc, the JDK 17 console is all there is: it is there when stdin and stdout are terminals.
        boolean console = System.console() != null;
        return new Terminals(console, console);
    }

    private static boolean isTerminal(int descriptor) {
        try {
            String target = Files.readSymbolicLink(OWN_DESCRIPTORS.resolve(Integer.toString(descriptor))).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
