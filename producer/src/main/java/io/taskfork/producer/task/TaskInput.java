package io.taskfork.producer.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.TaskOptions;
import io.taskfork.shared.wire.OptionFields;
import io.taskfork.shared.wire.WireFormat;
import java.time.Instant;
import java.util.Locale;

/**
 * Tasks as a user writes them: a JSON line {@code {"type": "...", "payload": {...}}}, with
 * {@code "max_attempts"} and the fields of {@link OptionFields} where wanted, or the options of
 * {@code submit}. Each failure is an
 * {@link IllegalArgumentException} whose message is the one-line reason.
 */
public final class TaskInput {

    private static final int MAX_ATTEMPTS = 100;

    private TaskInput() {
    }

    /** One JSON line; a missing or null payload is the empty object. */
    public static NewTask fromLine(String line) {
        return fromJson(line, "a line");
    }

    /** A JSON object as {@link #fromLine} reads one; {@code holder} names it where a field is unknown. */
    public static NewTask fromJson(String text, String holder) {
        JsonNode node = parse(text, "bad JSON: ");
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, not " + kind(node));
        }
        OptionFields.refuseUnknown(node, holder);
        JsonNode type = node.get("type");
        if (type == null || type.isNull()) {
            throw new IllegalArgumentException("no \"type\"");
        }
        // the rule WireFormat applies to a JSON message's type: whatever the CLI takes, a script could publish
        if (!type.isTextual() || !WireFormat.isTaskType(type.asText())) {
            throw new IllegalArgumentException("\"type\" must be a string of " + WireFormat.TASK_TYPE_RULE);
        }
        JsonNode payload = node.get("payload");
        if (payload == null || payload.isNull()) {
            payload = JsonNodeFactory.instance.objectNode();
        } else if (!payload.isObject()) {
            throw new IllegalArgumentException("\"payload\" must be a JSON object, not " + kind(payload));
        }
        refuseUnstorable(payload, "\"payload\"");
        JsonNode maxAttempts = node.get("max_attempts");
        if (maxAttempts != null && !maxAttempts.isNull() && (!maxAttempts.canConvertToExactIntegral()
                || !maxAttempts.canConvertToInt() || maxAttempts.asInt() < 1 || maxAttempts.asInt() > MAX_ATTEMPTS)) {
            throw new IllegalArgumentException("\"max_attempts\" must be a whole number from 1 to " + MAX_ATTEMPTS);
        }
        Instant now = Instant.now();
        TaskOptions options = OptionFields.parse(node, now);
        // A JSON message may wait in its queue past its expiry, and then ends expired; a line or a request
        // whose expiry has passed already could never run: a mistake made now, said now.
        if (options.expiresAt() != null && !options.expiresAt().isAfter(now)) {
            throw new IllegalArgumentException("\"expires_at\" (" + options.expiresAt() + ") has passed: the task"
                    + " could never run");
        }
        return new NewTask(type.asText(), payload,
                maxAttempts == null || maxAttempts.isNull() ? null : maxAttempts.asInt(), options);
    }

    /** The options of {@code submit}. */
    public static NewTask fromOptions(String type, String payloadJson, Integer maxAttempts, TaskOptions options) {
        if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS)) {
            throw new IllegalArgumentException("invalid --max-attempts " + maxAttempts + ": expected 1 to " + MAX_ATTEMPTS);
        }
        if (!WireFormat.isTaskType(type)) {
            throw new IllegalArgumentException("invalid --type \"" + type + "\": expected "
                    + WireFormat.TASK_TYPE_RULE);
        }
        JsonNode payload = parse(payloadJson, "invalid --payload: bad JSON: ");
        if (!payload.isObject()) {
            throw new IllegalArgumentException("invalid --payload: expected a JSON object, not " + kind(payload));
        }
        refuseUnstorable(payload, "invalid --payload:");
        return new NewTask(type, payload, maxAttempts, options);
    }

    private static JsonNode parse(String text, String failurePrefix) {
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(failurePrefix + WireFormat.oneLine(String.valueOf(e.getMessage())), e);
        }
    }

    // refused here, as PostgreSQL would refuse it (or change it): such a line would fail its whole batch
    private static void refuseUnstorable(JsonNode payload, String what) {
        String found = Json.unstorable(payload);
        if (found != null) {
            throw new IllegalArgumentException(what + " contains " + found + ", which PostgreSQL cannot store");
        }
    }

    private static String kind(JsonNode node) {
        if (node.isNull()) {
            return "null";
        }
        String kind = node.getNodeType().name().toLowerCase(Locale.ROOT);
        return kind.startsWith("a") || kind.startsWith("o") ? "an " + kind : "a " + kind;
    }
}
