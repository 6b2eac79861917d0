package io.taskfork.shared.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the value syntaxes of settings: durations such as {@code 10m}, sizes such as {@code 256k}. */
public final class Values {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Pattern TOO_MANY_DIGITS = Pattern.compile("\\d{10,}(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})([kmg]?)");

    private static final String NEGATIVE = "a duration is never negative, not ";
    /**
     * The longest duration any setting, flag or message may give: far beyond any timeout, grace or
     * delay, and within what a time in nanoseconds (292 years) and PostgreSQL's timestamps can hold.
     */
    public static final Duration LONGEST = Duration.ofDays(3650);
    /** Why a text is no duration at all, as against one that is negative or too long to read. */
    public static final String NOT_A_DURATION = "expected a duration such as 500ms, 30s, 10m or 1h";

    private Values() {
    }

    /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, or ISO-8601 such as {@code PT10M}. */
    public static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (TOO_MANY_DIGITS.matcher(value).matches()) {
            throw new IllegalArgumentException("a duration of at most 999999999 of its unit (" + text.trim()
                    + " has more digits than that)");
        }
        Matcher matcher = DURATION.matcher(value);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return notTooLong(switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            }, text);
        }
        Duration parsed;
        try {
            parsed = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(value.startsWith("-") ? NEGATIVE + text.trim()
                    : NOT_A_DURATION);
        }
        // ISO-8601 writes a negative one as PT-5S or -PT5S: a delay into the past, an expiry already gone
        if (parsed.isNegative()) {
            throw new IllegalArgumentException(NEGATIVE + text.trim());
        }
        return notTooLong(parsed, text);
    }

    /** {@code duration}, unless it is longer than {@link #LONGEST}: then why, naming {@code text}, as it was given. */
    public static Duration notTooLong(Duration duration, String text) {
        if (duration.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("a duration of at most " + LONGEST.toDays() + " days ("
                    + LONGEST.toHours() + "h), not " + text.trim());
        }
        return duration;
    }

    /** A byte count with an optional binary suffix: {@code 65536}, {@code 256k}, {@code 16m}, {@code 1g}. */
    public static long parseSize(String text) {
        Matcher matcher = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("expected a size such as 65536, 256k, 16m or 1g");
        }
        long amount = Long.parseLong(matcher.group(1));
        int shift = switch (matcher.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        if (amount > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException("expected a size such as 65536, 256k, 16m or 1g, not that large");
        }
        return amount << shift;
    }

    /** A duration the way a person writes it: {@code 10m}, {@code 1500ms}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        } else if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        } else if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        } else if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
