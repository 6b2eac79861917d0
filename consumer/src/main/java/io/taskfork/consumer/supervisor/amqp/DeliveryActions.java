package io.taskfork.consumer.supervisor.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the supervisor does with a delivery once its fate is decided: ack it, requeue it, or
 * dead-letter it with a reason. Calls come from many worker threads, so each channel is used under
 * its own lock.
 */
public final class DeliveryActions {

    private static final long CONFIRM_TIMEOUT_MS = 10_000;
    private static final int PERSISTENT = 2;

    private final Channel consuming;
    private final Channel publishing;
    private final QueueNames queues;
    private final String schema;
    private final AtomicLong acked = new AtomicLong();

    /**
     * @param consuming  the channel the deliveries came on (acks must go back on it)
     * @param publishing a channel in confirm mode, for dead letters
     * @param schema     the schema of the tasks whose IDs it publishes
     */
    public DeliveryActions(Channel consuming, Channel publishing, QueueNames queues, String schema) {
        this.consuming = consuming;
        this.publishing = publishing;
        this.queues = queues;
        this.schema = schema;
    }

    /** The schema of the tasks this supervisor runs: a task ID on its queue names a row of it alone. */
    public String schema() {
        return schema;
    }

    public void ack(Delivery delivery) throws IOException {
        synchronized (consuming) {
            consuming.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
        }
        acked.incrementAndGet();
    }

    /**
     * Acks sent on the consuming channel so far, whatever the fate behind them (done, dead-lettered,
     * deferred, a duplicate). Sent is not received: the client drops an ack of a delivery from
     * before a connection recovery, and the broker delivers that message again.
     */
    public long acked() {
        return acked.get();
    }

    /** Returns the message to the queue to be delivered again. */
    public void requeue(Delivery delivery) throws IOException {
        synchronized (consuming) {
            consuming.basicNack(delivery.getEnvelope().getDeliveryTag(), false, true);
        }
    }

    /**
     * Parks the task in the retry queue for {@code delay}, after which the broker dead-letters it
     * back to the main queue, and acks this delivery once the broker has confirmed the copy. The
     * copy names the task by its ID, whatever the original body was: a JSON message would create
     * its row a second time.
     */
    public void deferTask(Delivery delivery, long taskId, java.time.Duration delay)
            throws IOException, InterruptedException, TimeoutException {
        // its own headers, not the delivery's: the schema, as on every task-ID message, and the task it parks
        AMQP.BasicProperties properties = WireFormat.taskIdProperties(taskId, schema,
                        Map.of(WireFormat.TASK_ID_HEADER, taskId))
                .expiration(Long.toString(Math.max(0, delay.toMillis())))
                .build();
        publishConfirmed(queues.retry(), properties, WireFormat.taskIdBody(taskId));
        ack(delivery);
    }

    /**
     * Publishes a copy of the message to the dead-letter queue with {@code x-taskfork-reason} and
     * {@code x-taskfork-detail}, and waits for the broker's confirm. The caller acks the original
     * only after this returns: a crash in between leaves a duplicate dead letter, never a lost one.
     *
     * @param taskId the task's ID when one is known, else null
     */
    public void publishDeadLetter(Delivery delivery, DeadLetterReason reason, String detail, Long taskId)
            throws IOException, InterruptedException, TimeoutException {
        Map<String, Object> headers = new HashMap<>();
        if (delivery.getProperties().getHeaders() != null) {
            headers.putAll(delivery.getProperties().getHeaders());
        }
        headers.put(WireFormat.REASON_HEADER, reason.value());
        headers.put(WireFormat.DETAIL_HEADER, WireFormat.oneLine(detail));
        headers.put(WireFormat.DEAD_AT_HEADER, java.time.Instant.now().toString());
        if (taskId != null) {
            headers.put(WireFormat.TASK_ID_HEADER, taskId);
        }
        AMQP.BasicProperties properties = delivery.getProperties().builder()
                .headers(headers)
                .deliveryMode(PERSISTENT)
                .build();
        publishConfirmed(queues.dead(), properties, delivery.getBody());
    }

    /** The queues this supervisor consumes from and dead-letters to. */
    public QueueNames queues() {
        return queues;
    }

    /** Publishes the IDs of existing tasks to the main queue and waits for the broker's confirms. */
    public void publishTaskIds(java.util.List<Long> taskIds) throws IOException, InterruptedException, TimeoutException {
        synchronized (publishing) {
            for (long id : taskIds) {
                publishing.basicPublish("", queues.main(), WireFormat.taskIdProperties(id, schema).build(),
                        WireFormat.taskIdBody(id));
            }
            if (!publishing.waitForConfirms(CONFIRM_TIMEOUT_MS)) {
                throw new IOException("the broker refused task messages for queue " + queues.main());
            }
        }
    }

    private void publishConfirmed(String queue, AMQP.BasicProperties properties, byte[] body)
            throws IOException, InterruptedException, TimeoutException {
        synchronized (publishing) {
            publishing.basicPublish("", queue, properties, body);
            if (!publishing.waitForConfirms(CONFIRM_TIMEOUT_MS)) {
                throw new IOException("the broker refused a message for queue " + queue);
            }
        }
    }
}
