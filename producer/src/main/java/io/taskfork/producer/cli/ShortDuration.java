package io.taskfork.producer.cli;

import java.time.Duration;
import java.util.Locale;

/** A duration in a few characters, for a person: {@code 850ms}, {@code 4.2s}, {@code 42s}, {@code 3m12s}, {@code 2h05m}, {@code 3d04h}. */
final class ShortDuration {

    private static final long TEN_SECONDS_MS = 10_000;

    private ShortDuration() {
    }

    static String of(Duration duration) {
        if (duration.isNegative()) {
            return of(Duration.ZERO);
        }
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < TEN_SECONDS_MS) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3600);
    }
}
