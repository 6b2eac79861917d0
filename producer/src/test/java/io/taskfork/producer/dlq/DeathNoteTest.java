package io.taskfork.producer.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import io.taskfork.producer.queue.QueueMessage;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeathNoteTest {

    private static final Instant DIED = Instant.parse("2025-03-01T10:15:30Z");

    @Test
    void ourHeadersGiveReasonAndDetailAndAnOlderXDeathIsNotTheTime() {
        DeathNote note = DeathNote.of(message(Map.of(
                "x-taskfork-reason", LongStringHelper.asLongString("timeout"),
                "x-taskfork-detail", LongStringHelper.asLongString("killed after 5s"),
                "x-death", List.of(death("expired", "q.retry")))));

        assertThat(note).isEqualTo(new DeathNote("timeout", "killed after 5s", null, null));
    }

    /** A message that made no row says itself when the supervisor dead-lettered it. */
    @Test
    void ourDeadAtHeaderGivesTheSupervisorsTime() {
        DeathNote note = DeathNote.of(message(Map.of(
                "x-taskfork-reason", LongStringHelper.asLongString("malformed"),
                "x-taskfork-dead-at", LongStringHelper.asLongString(DIED.toString()))));

        assertThat(note.supervisorTime()).isEqualTo(DIED);
        assertThat(note.brokerTime()).isNull();
    }

    @Test
    void brokerDeliveryLimitWithoutOurHeadersReadsAsDeliveryLimitWithItsTime() {
        DeathNote note = DeathNote.of(message(Map.of("x-death", List.of(death("delivery_limit", "q")))));

        assertThat(note.reason()).isEqualTo("delivery-limit");
        assertThat(note.detail()).isEqualTo("the broker dead-lettered it from q at the queue's delivery limit"
                + " (x-death reason delivery_limit)");
        assertThat(note.brokerTime()).isEqualTo(DIED);
    }

    @Test
    void otherBrokerReasonsAreNamedAsTheBrokerSaysThem() {
        DeathNote note = DeathNote.of(message(Map.of("x-death", List.of(death("maxlen", "q")))));

        assertThat(note.reason()).isEqualTo("maxlen");
        assertThat(note.detail()).isEqualTo("the broker dead-lettered it from q (x-death reason maxlen)");
    }

    @Test
    void aMessageWithNeitherIsOfUnknownReason() {
        DeathNote note = DeathNote.of(message(null));

        assertThat(note.reason()).isEqualTo("unknown");
        assertThat(note.brokerTime()).isNull();
    }

    private static Map<String, Object> death(String reason, String queue) {
        return Map.of("reason", LongStringHelper.asLongString(reason), "queue", LongStringHelper.asLongString(queue),
                "time", Date.from(DIED), "count", 1L);
    }

    private static QueueMessage message(Map<String, Object> headers) {
        return new QueueMessage(1, new AMQP.BasicProperties.Builder().headers(headers).build(), new byte[] {'1'});
    }
}
