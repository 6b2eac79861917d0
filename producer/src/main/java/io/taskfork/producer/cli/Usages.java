package io.taskfork.producer.cli;

import java.util.Locale;

/** What an attempt cost, as a person reads it: "0.08s" of CPU, "45.2M" of memory; "-" when unknown. */
final class Usages {

    private static final double MB = 1024.0 * 1024;

    private Usages() {
    }

    static String cpu(Double seconds) {
        return seconds == null ? "-" : String.format(Locale.ROOT, "%.2fs", seconds);
    }

    static String memory(Long bytes) {
        return bytes == null ? "-" : String.format(Locale.ROOT, "%.1fM", bytes / MB);
    }
}
