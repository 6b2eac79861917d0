package io.taskfork.producer.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueMessageTest {

    @Test
    void theTaskIdHeaderNamesTheTaskWhateverTheBody() {
        QueueMessage message = message(Map.of("x-taskfork-task-id", 42L), "{\"type\": \"echo\"}", "application/json");

        assertThat(message.namedTaskId()).contains(42L);
    }

    @Test
    void aDecimalBodyNamesTheTask() {
        assertThat(message(null, "17", "text/plain").namedTaskId()).contains(17L);
    }

    @Test
    void aTaskIdHeaderWrittenAsTextStillCounts() {
        QueueMessage message = message(Map.of("x-taskfork-task-id", LongStringHelper.asLongString("9")), "x", null);

        assertThat(message.namedTaskId()).contains(9L);
    }

    @Test
    void aJsonBodyNamesNoTaskButIsAMessageThatCreatesOne() {
        QueueMessage message = message(null, "{\"type\": \"echo\", \"payload\": {}}", "application/json");

        assertThat(message.namedTaskId()).isEmpty();
        assertThat(message.create()).get().extracting(create -> create.type()).isEqualTo("echo");
    }

    @Test
    void aMalformedBodyIsNeither() {
        QueueMessage message = message(null, "hello, taskfork", "text/plain");

        assertThat(message.namedTaskId()).isEmpty();
        assertThat(message.create()).isEmpty();
    }

    @Test
    void theDeliveryCountIsZeroWhenTheQueueSetNone() {
        assertThat(message(null, "1", null).deliveryCount()).isZero();
        assertThat(message(Map.of("x-delivery-count", 12L), "1", null).deliveryCount()).isEqualTo(12);
    }

    private static QueueMessage message(Map<String, Object> headers, String body, String contentType) {
        return new QueueMessage(1, new AMQP.BasicProperties.Builder().headers(headers).contentType(contentType).build(),
                body.getBytes(StandardCharsets.UTF_8));
    }
}
