package io.taskfork.shared.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.rabbitmq.client.AMQP;
import io.taskfork.shared.config.DbSettings;
import io.taskfork.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The message contract that any AMQP client may publish to, and the headers taskfork puts on a
 * dead-lettered message. A body is either a task ID in ASCII decimal, or a JSON object
 * {@code {"type": "...", "payload": {...}}}.
 */
public final class WireFormat {

    public static final String TEXT_PLAIN = "text/plain";
    public static final String APPLICATION_JSON = "application/json";
    public static final String REASON_HEADER = "x-taskfork-reason";
    public static final String DETAIL_HEADER = "x-taskfork-detail";
    public static final String TASK_ID_HEADER = "x-taskfork-task-id";
    /** When the supervisor dead-lettered the message, ISO-8601 by its clock: a message without a row says it alone. */
    public static final String DEAD_AT_HEADER = "x-taskfork-dead-at";
    /**
     * On a copy that replaced a message read without being taken ({@code ops/taskfork audit},
     * {@code dlq list}): the deliveries the original had counted, which the copy's own
     * {@code x-delivery-count} starts again from zero.
     */
    public static final String PRIOR_DELIVERIES_HEADER = "x-taskfork-prior-deliveries";
    /**
     * On each task-ID message taskfork publishes: the database schema whose row the ID names. An ID
     * means nothing in another schema, so a supervisor of another one that shares the queue
     * dead-letters the message rather than run or end a task of its own that has the same ID.
     */
    public static final String SCHEMA_HEADER = "x-taskfork-schema";
    /** Set by a quorum queue on each delivery: how often the message was given back before. */
    public static final String DELIVERY_COUNT_HEADER = "x-delivery-count";
    /** The most characters of a detail ({@link #oneLine}). */
    public static final int MAX_DETAIL = 300;

    private static final Pattern TASK_ID = Pattern.compile("[0-9]{1,18}");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
    private static final int PERSISTENT = 2;
    // how much of a schema header that names no schema a line shows
    private static final int SHOWN_SCHEMA = 64;

    private WireFormat() {
    }

    /** What a task type's name is, for the messages that refuse one. */
    public static final String TASK_TYPE_RULE = "1 to 100 letters, digits, '.', '_', ':' or '-'";

    /** Whether {@code type} is a task type's name: {@link #TASK_TYPE_RULE}. */
    public static boolean isTaskType(String type) {
        return type != null && TYPE.matcher(type).matches();
    }

    /** As {@link #taskIdProperties(long)}, naming the schema of the task's row ({@link #SCHEMA_HEADER}). */
    public static AMQP.BasicProperties.Builder taskIdProperties(long taskId, String schema) {
        return taskIdProperties(taskId, schema, Map.of());
    }

    /** As {@link #taskIdProperties(long, String)}, with {@code more} headers beside the schema's. */
    public static AMQP.BasicProperties.Builder taskIdProperties(long taskId, String schema, Map<String, Object> more) {
        Map<String, Object> headers = new HashMap<>(more);
        headers.put(SCHEMA_HEADER, schema);
        return taskIdProperties(taskId).headers(headers);
    }

    /**
     * The schema a message's {@link #SCHEMA_HEADER} names, or null when it has none. The broker hands
     * a string header over as a LongString; a client may have sent bytes (Python's {@code bytes}).
     */
    public static String schemaOf(Map<String, Object> headers) {
        Object schema = headers == null ? null : headers.get(SCHEMA_HEADER);
        String named = schema instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : schema == null ? null : schema.toString();
        return named == null || named.isEmpty() ? null : named;
    }

    /**
     * A schema a message names, as a line may show it: as it is when it is a schema's name, else
     * quoted, escaped and cut, since any publisher may write anything there, line breaks included.
     */
    public static String schemaShown(String schema) {
        if (DbSettings.isSchemaName(schema)) {
            return schema;
        }
        String cut = schema.length() > SHOWN_SCHEMA ? schema.substring(0, SHOWN_SCHEMA) + "…" : schema;
        return JsonNodeFactory.instance.textNode(cut).toString();
    }

    /** Whether a message's {@link #SCHEMA_HEADER} names another schema than {@code schema}. */
    public static boolean namesAnotherSchema(Map<String, Object> headers, String schema) {
        String named = schemaOf(headers);
        return named != null && !named.equals(schema);
    }

    /** The properties of a message that asks for an existing task: persistent, text/plain, message ID task-N. */
    public static AMQP.BasicProperties.Builder taskIdProperties(long taskId) {
        return new AMQP.BasicProperties.Builder()
                .contentType(TEXT_PLAIN)
                .deliveryMode(PERSISTENT)
                .messageId("task-" + taskId);
    }

    /** Deliveries a message had before it was last copied: its {@link #PRIOR_DELIVERIES_HEADER}, or 0. */
    public static long priorDeliveries(Map<String, Object> headers) {
        return count(headers, PRIOR_DELIVERIES_HEADER);
    }

    /**
     * How often a message was delivered before without an outcome: the queue's own count plus what
     * earlier copies of it counted. The broker writes the queue's count only into a message it
     * delivers again ({@code redelivered}): on a first delivery that header is the publisher's
     * (copied with the others from a message of another queue, say), and counts nothing here.
     */
    public static long deliveriesBefore(Map<String, Object> headers, boolean redelivered) {
        return (redelivered ? count(headers, DELIVERY_COUNT_HEADER) : 0) + priorDeliveries(headers);
    }

    // A count below zero, which only a publisher can write, would let a message past its delivery limit.
    private static long count(Map<String, Object> headers, String name) {
        Object count = headers == null ? null : headers.get(name);
        return count instanceof Number number ? Math.max(0, number.longValue()) : 0;
    }

    /** The body that asks for an existing task. */
    public static byte[] taskIdBody(long taskId) {
        return Long.toString(taskId).getBytes(StandardCharsets.US_ASCII);
    }

    /** The detail of a body of {@code length} bytes dead-lettered as too-large. */
    public static String tooLarge(long length, int maxBytes) {
        return "body of " + length + " bytes is over the limit of " + maxBytes;
    }

    /**
     * Parses a body; fails with the dead-letter reason that fits.
     *
     * @param contentType the content-type property, or null
     * @param messageId   the message-id property, or null
     */
    public static TaskMessage parse(byte[] body, String contentType, String messageId, int maxBytes) {
        if (body.length > maxBytes) {
            throw new MalformedMessageException(DeadLetterReason.TOO_LARGE, tooLarge(body.length, maxBytes));
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (APPLICATION_JSON.equals(contentType) || text.startsWith("{")) {
            return parseJson(text, messageId);
        }
        if (TASK_ID.matcher(text).matches()) {
            long id = Long.parseLong(text);
            if (id > 0) {
                return new TaskMessage.Existing(id);
            }
        }
        throw new MalformedMessageException(DeadLetterReason.MALFORMED,
                "body is neither a task ID in ASCII decimal nor a JSON object: " + preview(text));
    }

    private static TaskMessage parseJson(String text, String messageId) {
        JsonNode node;
        try {
            node = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(DeadLetterReason.MALFORMED, "bad JSON: " + e.getMessage());
        }
        if (!node.isObject()) {
            throw new MalformedMessageException(DeadLetterReason.MALFORMED, "JSON body is not an object"
                    + (node.isIntegralNumber() && node.bigIntegerValue().signum() > 0
                            ? ": a task ID is published as " + TEXT_PLAIN : ""));
        }
        try {
            OptionFields.refuseUnknown(node, "a JSON message");
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(DeadLetterReason.MALFORMED, e.getMessage());
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual() || !isTaskType(type.asText())) {
            throw new MalformedMessageException(DeadLetterReason.MALFORMED,
                    "JSON body needs \"type\": a string of " + TASK_TYPE_RULE);
        }
        JsonNode payload = node.get("payload");
        if (payload == null || payload.isNull()) {
            payload = JsonNodeFactory.instance.objectNode();
        } else if (!payload.isObject()) {
            throw new MalformedMessageException(DeadLetterReason.MALFORMED, "\"payload\" must be a JSON object");
        }
        String unstorable = Json.unstorable(payload);
        if (unstorable != null) {
            throw new MalformedMessageException(DeadLetterReason.MALFORMED,
                    "payload contains " + unstorable + ", which PostgreSQL cannot store");
        }
        JsonNode maxAttempts = node.get("max_attempts");
        if (maxAttempts != null && !maxAttempts.isNull()
                && (!maxAttempts.canConvertToExactIntegral() || !maxAttempts.canConvertToInt()
                        || maxAttempts.asInt() < 1 || maxAttempts.asInt() > 100)) {
            throw new MalformedMessageException(DeadLetterReason.MALFORMED,
                    "\"max_attempts\" must be a whole number from 1 to 100");
        }
        io.taskfork.shared.task.TaskOptions options;
        try {
            options = OptionFields.parse(node, java.time.Instant.now());
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(DeadLetterReason.MALFORMED, e.getMessage());
        }
        String id = messageId == null || messageId.isBlank() ? null : messageId;
        return new TaskMessage.Create(type.asText(), payload,
                maxAttempts == null || maxAttempts.isNull() ? null : maxAttempts.asInt(), id, options);
    }

    /**
     * Text made fit for a one-line header: no line breaks, bounded length, and any other control
     * character (an escape that would recolour a terminal, a NUL that makes grep call it binary)
     * written as {@code \\uXXXX}.
     */
    public static String oneLine(String text) {
        return oneLine(text, "");
    }

    /** As {@link #oneLine(String)}, {@code text} followed by {@code kept}, which stays whole when text is cut. */
    public static String oneLine(String text, String kept) {
        String flat = controlsEscaped(text.replaceAll("\\s+", " ").strip());
        int room = MAX_DETAIL - kept.length();
        return (flat.length() <= room ? flat : flat.substring(0, room - 1) + "…") + kept;
    }

    /**
     * {@code text} as a terminal may be shown it: its line breaks and tabs kept, any other control
     * character (an escape, a carriage return that would write over what came before) as
     * {@code \\uXXXX}. What a task writes (its error, its log) is the task's, and a task may be hostile.
     */
    public static String controlsEscaped(String text) {
        if (text.chars().noneMatch(WireFormat::escapedWhenShown)) {
            return text;
        }
        StringBuilder shown = new StringBuilder(text.length() + 16);
        text.chars().forEach(c -> shown.append(escapedWhenShown(c) ? String.format("\\u%04x", c) : (char) c));
        return shown.toString();
    }

    private static boolean escapedWhenShown(int c) {
        return Character.isISOControl(c) && c != '\n' && c != '\t';
    }

    private static String preview(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "…" : text;
        return "\"" + oneLine(shown) + "\"";
    }
}
