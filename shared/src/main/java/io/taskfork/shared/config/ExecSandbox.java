package io.taskfork.shared.config;

import java.util.Locale;

/**
 * How an {@code exec} command is confined: {@code TASKFORK_EXEC_SANDBOX} and {@code TASKFORK_EXEC_NETWORK}.
 *
 * @param bwrap   run each command under bubblewrap ({@code bwrap}), else as a plain process
 * @param network whether a sandboxed command keeps the host's network; without the sandbox it always does
 */
public record ExecSandbox(boolean bwrap, boolean network) {

    /** The sandbox's name, as the setting and the child's system property spell it. */
    public String kind() {
        return bwrap ? "bwrap" : "off";
    }

    static boolean parseBwrap(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "off" -> false;
            case "bwrap" -> true;
            default -> throw new IllegalArgumentException("expected off or bwrap");
        };
    }
}
