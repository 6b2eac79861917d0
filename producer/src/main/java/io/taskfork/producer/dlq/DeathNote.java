package io.taskfork.producer.dlq;

import io.taskfork.producer.queue.QueueMessage;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.WireFormat;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Why a message went dead: our {@code x-taskfork-reason} and {@code x-taskfork-detail} headers,
 * or, where the broker dead-lettered it itself (at the main queue's delivery limit), its
 * {@code x-death} record, which also says when.
 *
 * @param brokerTime when the broker dead-lettered it, or null when the supervisor did (an
 *                   {@code x-death} beside our headers is older: the message's trip through the retry queue)
 * @param supervisorTime when the supervisor dead-lettered it, from {@code x-taskfork-dead-at}; null when the
 *                   broker did, or for a dead letter from before the header
 */
record DeathNote(String reason, String detail, Instant brokerTime, Instant supervisorTime) {

    static final String X_DEATH = "x-death";
    static final String UNKNOWN = "unknown";
    private static final String BROKER_DELIVERY_LIMIT = "delivery_limit";

    static DeathNote of(QueueMessage message) {
        String reason = message.text(WireFormat.REASON_HEADER);
        if (reason != null) {
            String detail = message.text(WireFormat.DETAIL_HEADER);
            return new DeathNote(reason, detail == null ? "" : detail, null, ourTime(message));
        }
        Map<?, ?> death = latestDeath(message);
        if (death == null) {
            return new DeathNote(UNKNOWN, "no " + WireFormat.REASON_HEADER + " header and no " + X_DEATH
                    + " record: not dead-lettered by taskfork nor by the broker", null, null);
        }
        String brokerReason = String.valueOf(death.get("reason"));
        String from = String.valueOf(death.get("queue"));
        if (BROKER_DELIVERY_LIMIT.equals(brokerReason)) {
            return new DeathNote(DeadLetterReason.DELIVERY_LIMIT.value(), "the broker dead-lettered it from " + from
                    + " at the queue's delivery limit (" + X_DEATH + " reason " + brokerReason + ")", time(death), null);
        }
        return new DeathNote(brokerReason.toLowerCase(Locale.ROOT).replace('_', '-'),
                "the broker dead-lettered it from " + from + " (" + X_DEATH + " reason " + brokerReason + ")",
                time(death), null);
    }

    /** The broker puts the latest death first. */
    private static Map<?, ?> latestDeath(QueueMessage message) {
        Object deaths = message.headers().get(X_DEATH);
        if (deaths instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> latest) {
            return latest;
        }
        return null;
    }

    private static Instant ourTime(QueueMessage message) {
        String text = message.text(WireFormat.DEAD_AT_HEADER);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant time(Map<?, ?> death) {
        return death.get("time") instanceof Date date ? date.toInstant() : null;
    }
}
