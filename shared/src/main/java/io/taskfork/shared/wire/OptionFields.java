package io.taskfork.shared.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.task.TaskOptions;
import io.taskfork.shared.topology.QueueNames;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;

/**
 * The optional fields of a task in JSON, as a JSON message and an {@code enqueue} line give them:
 * {@code "delay"} (a duration such as {@code "10m"}, or seconds as a number) or {@code "run_at"}
 * (an ISO-8601 instant such as {@code "2026-12-01T09:00:00Z"}), {@code "expires_at"} (an instant),
 * {@code "unique_key"} (a string) and {@code "queue"} (a main queue's name).
 */
public final class OptionFields {

    /** Every field of a task in JSON, as {@link #refuseUnknown} names them. */
    public static final List<String> FIELDS = List.of("type", "payload", "max_attempts", "queue", "delay", "run_at",
            "expires_at", "unique_key");

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
        Instant start = runAt != null ? instant(runAt, "run_at") : delay != null ? TaskOptions.after(now, duration(delay), "\"delay\"") : null;
        JsonNode expiresAt = present(node, "expires_at");
        JsonNode key = present(node, "unique_key");
        if (key != null && !key.isTextual()) {
            throw new IllegalArgumentException("\"unique_key\" must be a string");
        }
        JsonNode queue = present(node, "queue");
        return TaskOptions.requested(start, expiresAt == null ? null : instant(expiresAt, "expires_at"),
                key == null ? null : key.asText(), queue == null ? null : queue(queue));
    }

    /**
     * Refuses a field neither kind of task in JSON has: a misspelt one ("max_attempt") would
     * otherwise be dropped, and the task run by the defaults.
     *
     * @param holder what holds the fields, for the message: "a line", "a JSON message"
     */
    public static void refuseUnknown(JsonNode node, String holder) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field \"" + name + "\": " + holder + " holds only "
                        + String.join(", ", FIELDS));
            }
        }
    }

    private static String queue(JsonNode value) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException("\"queue\" must be a string");
        }
        try {
            return QueueNames.checked(value.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"queue\": " + e.getMessage(), e);
        }
    }

    private static JsonNode present(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
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
        if (value.isNumber() && value.asDouble() < 0) {
            throw new IllegalArgumentException("\"delay\" is never negative, not " + value);
        }
        if (value.isNumber()) {
            try {
                Duration seconds = Duration.ofMillis(Math.round(value.asDouble() * 1000));
                return Values.notTooLong(seconds, value + " seconds");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"delay\": " + e.getMessage(), e);
            }
        }
        if (value.isTextual()) {
            try {
                return Values.parseDuration(value.asText());
            } catch (IllegalArgumentException e) {
                if (!e.getMessage().equals(Values.NOT_A_DURATION)) {
                    // a duration too long to read, or a negative one: its own words say which
                    throw new IllegalArgumentException("\"delay\": " + e.getMessage(), e);
                }
            }
        }
        throw new IllegalArgumentException("\"delay\" must be a duration such as 30s or 10m, or seconds as a number");
    }
}
