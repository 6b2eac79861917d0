package io.taskfork.consumer.child;

import java.util.Map;

/** Names of the POSIX signals a child, or a command it runs, is likely to die of. */
public final class Signals {

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"), Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"),
            Map.entry(5, "SIGTRAP"), Map.entry(6, "SIGABRT"), Map.entry(7, "SIGBUS"), Map.entry(8, "SIGFPE"),
            Map.entry(9, "SIGKILL"), Map.entry(10, "SIGUSR1"), Map.entry(11, "SIGSEGV"), Map.entry(12, "SIGUSR2"),
            Map.entry(13, "SIGPIPE"), Map.entry(14, "SIGALRM"), Map.entry(15, "SIGTERM"), Map.entry(24, "SIGXCPU"),
            Map.entry(25, "SIGXFSZ"), Map.entry(31, "SIGSYS"));

    /** Highest exit code that still means "killed by a signal" (128 + the last real-time signal). */
    public static final int MAX_SIGNAL_EXIT = 128 + 64;

    private Signals() {
    }

    public static String name(int signal) {
        return NAMES.getOrDefault(signal, "signal " + signal);
    }

    /**
     * What an exit code of 129 to 192 also tells, as words to follow it; "" for any other code.
     * Java reports a process that signal N killed as exiting with 128 + N, as a shell does: from the
     * code alone, the process may have exited so itself.
     */
    public static String ofExitCode(int code) {
        return code > 128 && code <= MAX_SIGNAL_EXIT ? ", as a process killed by " + name(code - 128) + " does" : "";
    }
}
