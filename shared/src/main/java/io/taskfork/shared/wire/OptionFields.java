package io.taskfork.shared.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.task.TaskOptions;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The optional fields of a task in JSON, as a JSON message and an {@code enqueue} line give them:
 * {@code "delay"} (a duration such as {@code "10m"}, or seconds as a number) or {@code "run_at"}
 * (an ISO-8601 instant such as {@code "2026-12-01T09:00:00Z"}), {@code "expires_at"} (an instant)
 * and {@code "unique_key"} (a string).
 */
public final class OptionFields {

    private OptionFields() {
    }

    /**
     * @param now what a delay counts from
     * @throws IllegalArgumentException naming the field that is wrong, and why
     */
    public static TaskOptions parse(JsonNode node, Instant now) {
        JsonNode delay = present(node, "delay");
        JsonNode runAt = present(node, "run_at");
        if (delay != null && runAt != null) {
            throw new IllegalArgumentException("give \"delay\" or \"run_at\", not both");
        }
        Instant start = runAt != null ? instant(runAt, "run_at") : delay != null ? after(now, duration(delay)) : null;
        JsonNode expiresAt = present(node, "expires_at");
        JsonNode key = present(node, "unique_key");
        if (key != null && !key.isTextual()) {
            throw new IllegalArgumentException("\"unique_key\" must be a string");
        }
        return TaskOptions.requested(start, expiresAt == null ? null : instant(expiresAt, "expires_at"),
                key == null ? null : key.asText(), null);
    }

    private static JsonNode present(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private static Instant after(Instant now, Duration delay) {
        try {
            Instant start = now.plus(delay);
            if (TaskOptions.keepable(start)) {
                return start;
            }
        } catch (DateTimeException | ArithmeticException e) {
            // said below
        }
        throw new IllegalArgumentException("\"delay\" is too long: the task would run " + TaskOptions.KEPT);
    }

    private static Instant instant(JsonNode value, String field) {
        try {
            if (value.isTextual()) {
                Instant parsed = Instant.parse(value.asText());
                if (!TaskOptions.keepable(parsed)) {
                    throw new IllegalArgumentException("\"" + field + "\" is " + TaskOptions.KEPT);
                }
                return parsed;
            }
        } catch (DateTimeParseException e) {
            // said below
        }
        throw new IllegalArgumentException("\"" + field + "\" must be an ISO-8601 instant such as 2026-12-01T09:00:00Z");
    }

    private static Duration duration(JsonNode value) {
        if (value.isNumber() && value.asDouble() >= 0) {
            return Duration.ofMillis(Math.round(value.asDouble() * 1000));
        }
        if (value.isTextual()) {
            try {
                Duration parsed = Values.parseDuration(value.asText());
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (IllegalArgumentException e) {
                // said below
            }
        }
        throw new IllegalArgumentException("\"delay\" must be a duration such as 30s or 10m, or seconds as a number");
    }
}
