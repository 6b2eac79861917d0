package io.taskfork.producer.queue;

import com.rabbitmq.client.AMQP;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.MalformedMessageException;
import io.taskfork.shared.wire.TaskMessage;
import io.taskfork.shared.wire.WireFormat;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * One message read from the dead-letter queue, held unacknowledged by the scan that read it, and
 * what its body and headers say by themselves, without the task row.
 */
public record QueueMessage(long deliveryTag, AMQP.BasicProperties properties, byte[] body) {

    public static final String DELIVERY_COUNT_HEADER = WireFormat.DELIVERY_COUNT_HEADER;

    public Map<String, Object> headers() {
        Map<String, Object> headers = properties.getHeaders();
        return headers == null ? Map.of() : headers;
    }

    /** A header as text (the client reads AMQP strings as LongString), or null when absent. */
    public String text(String header) {
        Object value = headers().get(header);
        return value == null ? null : value.toString();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The task the message itself names: its {@code x-taskfork-task-id} header, else a body that is a task ID. */
    public Optional<Long> namedTaskId() {
        Object header = headers().get(WireFormat.TASK_ID_HEADER);
        if (header instanceof Number number) {
            return Optional.of(number.longValue());
        }
        if (header != null) {
            try {
                return Optional.of(Long.parseLong(header.toString().strip()));
            } catch (NumberFormatException e) {
                // not a number: look at the body instead
            }
        }
        return parsed().filter(TaskMessage.Existing.class::isInstance)
                .map(message -> ((TaskMessage.Existing) message).taskId());
    }

    /**
     * Whether the message names a task of another schema than {@code schema} ({@link
     * WireFormat#SCHEMA_HEADER}): its ID is no row of this one's, whatever row here has that ID.
     */
    public boolean ofAnotherSchema(String schema) {
        return WireFormat.namesAnotherSchema(headers(), schema);
    }

    /**
     * The message ID of a JSON body that creates a task: the row it created, if any, carries it. A
     * message dead-lettered as malformed created none: one whose ID had made a task from another
     * message would otherwise be taken for that task's, and a replay would run the other work.
     */
    public Optional<String> creatorId() {
        if (DeadLetterReason.MALFORMED.value().equals(text(WireFormat.REASON_HEADER))) {
            return Optional.empty();
        }
        return create().map(TaskMessage.Create::messageId);
    }

    /** The body as a JSON message that creates a task, when it is a valid one. */
    public Optional<TaskMessage.Create> create() {
        return parsed().filter(TaskMessage.Create.class::isInstance).map(TaskMessage.Create.class::cast);
    }

    /** The body as the consumer reads it, with no size limit: a too-large body may be replayed once the limit is raised. */
    private Optional<TaskMessage> parsed() {
        try {
            return Optional.of(WireFormat.parse(body, properties.getContentType(), properties.getMessageId(),
                    Integer.MAX_VALUE));
        } catch (MalformedMessageException e) {
            return Optional.empty();
        }
    }

    /** How often the dead-letter queue gave this message back before: each read without taking counts one. */
    public long deliveryCount() {
        Object count = headers().get(DELIVERY_COUNT_HEADER);
        return count instanceof Number number ? number.longValue() : 0;
    }
}
