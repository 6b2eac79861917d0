package io.taskfork.consumer.ops;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as compose ({@code 1m30s}), Prometheus ({@code 5m}) and systemd ({@code 1min 30s}, {@code 60}) write them. */
final class Durations {

    private static final Pattern PART = Pattern.compile(
            "(\\d+(?:\\.\\d+)?)\\s*(ms|msec|s|sec|second|seconds|m|min|minute|minutes|h|hr|hour|hours|d|day|days)?\\s*");

    private Durations() {
    }

    static Duration parse(String text) {
        String value = text.strip();
        Matcher part = PART.matcher(value);
        double seconds = 0;
        int at = 0;
        while (at < value.length() && part.find(at) && part.start() == at) {
            double amount = Double.parseDouble(part.group(1));
            String unit = part.group(2) == null ? "s" : part.group(2);
            seconds += amount * switch (unit) {
                case "ms", "msec" -> 0.001;
                case "m", "min", "minute", "minutes" -> 60;
                case "h", "hr", "hour", "hours" -> 3600;
                case "d", "day", "days" -> 86400;
                default -> 1;
            };
            at = part.end();
        }
        if (value.isEmpty() || at != value.length()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
