package io.taskfork.producer.cli;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.taskfork.producer.Await;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Puts real messages into the dead-letter queue of a test's environment: tasks with rows, dead-lettered
 * with our headers the way the supervisor does it, a malformed body, a JSON message without a row, and
 * a message the broker itself dead-letters at the main queue's delivery limit.
 */
public final class DeadLetterFixture implements AutoCloseable {

    private static final Duration SETTLE = Duration.ofSeconds(10);

    private final IsolatedEnvironment env;
    private final Channel channel;

    public DeadLetterFixture(IsolatedEnvironment env) throws IOException {
        this.env = env;
        this.channel = env.connection().createChannel();
        channel.confirmSelect();
    }

    /** A task that crashed or failed with {@code reason}, its row ended and its dead letter confirmed. */
    public long endedTask(String type, DeadLetterReason reason, String detail) throws Exception {
        long id = new TaskStore(env.database()).insert(new NewTask(type, Json.parse("{\"n\": 1}")));
        boolean crashed = reason != DeadLetterReason.EXCEPTION;
        env.database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set status = :status,"
                        + " attempts = 1, failure_kind = :kind, exit_code = :exitCode, error = :error, log = :log,"
                        + " started_at = now(), finished_at = now(), worker = 'host/1', dead_lettered_at = now()"
                        + " where id = :id")
                .bind("id", id)
                .bind("status", crashed ? "crashed" : "failed")
                .bind("kind", reason.value())
                .bind("exitCode", crashed ? 134 : 0)
                .bind("error", detail + "\n\tat somewhere")
                .bind("log", "first line\nsecond line\nlast line\n")
                .execute());
        deadLetter(WireFormat.taskIdProperties(id, env.database().schema()), WireFormat.taskIdBody(id), reason, detail,
                id);
        return id;
    }

    /** A body that is no task, dead-lettered as malformed. */
    public void malformed(String body) throws Exception {
        deadLetter(new AMQP.BasicProperties.Builder().contentType(WireFormat.TEXT_PLAIN).deliveryMode(2),
                body.getBytes(StandardCharsets.UTF_8), DeadLetterReason.MALFORMED,
                "body is neither a task ID in ASCII decimal nor a JSON object: \"" + body + "\"", null);
    }

    /** A body of {@code bytes}, dead-lettered as too-large. */
    public void tooLarge(int bytes) throws Exception {
        byte[] body = new byte[bytes];
        java.util.Arrays.fill(body, (byte) '7');
        deadLetter(new AMQP.BasicProperties.Builder().contentType(WireFormat.TEXT_PLAIN).deliveryMode(2), body,
                DeadLetterReason.TOO_LARGE, "body of " + bytes + " bytes is over the limit of 1048576", null);
    }

    /**
     * A valid JSON message that never made a row, dead-lettered at the delivery limit by the
     * supervisor, which copies the original headers, x-delivery-count included, and looked at
     * since by {@code dlq list}, which counts the deliveries of its looks in a header of ours.
     */
    void jsonWithoutRow(String messageId, String body) throws Exception {
        AMQP.BasicProperties.Builder properties = new AMQP.BasicProperties.Builder()
                .contentType(WireFormat.APPLICATION_JSON).deliveryMode(2).messageId(messageId)
                .headers(Map.of("x-delivery-count", 9L, "x-trace", "abc", WireFormat.PRIOR_DELIVERIES_HEADER, 11L));
        deadLetter(properties, body.getBytes(StandardCharsets.UTF_8), DeadLetterReason.DELIVERY_LIMIT,
                "delivered 10 times without an outcome (a consumer failed or died with it each time)", null);
    }

    /**
     * A task made from a JSON message with {@code messageId} that failed, and another JSON message
     * with that ID, {@code otherBody}, which a supervisor dead-lettered as malformed; returns the task.
     */
    long reusedMessageId(String messageId, String otherBody) throws Exception {
        long id = new TaskStore(env.database())
                .createFromMessage(new NewTask("echo", Json.parse("{\"first\": 1}")), messageId).task().id();
        env.database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set status = 'failed',"
                        + " attempts = 1, failure_kind = 'exception', error = 'boom', finished_at = now()"
                        + " where id = :id")
                .bind("id", id)
                .execute());
        deadLetter(new AMQP.BasicProperties.Builder().contentType(WireFormat.APPLICATION_JSON).messageId(messageId),
                otherBody.getBytes(StandardCharsets.UTF_8), DeadLetterReason.MALFORMED, "its message_id " + messageId
                        + " made task " + id + " from another message, of type echo: this one, of another type or"
                        + " payload, needs a message_id of its own", null);
        return id;
    }

    /**
     * A task whose row stays running on a supervisor that is gone, and whose message the broker
     * dead-letters itself at the main queue's delivery limit: x-death, none of our headers.
     */
    long runningTaskDeadAtBrokerLimit() throws Exception {
        long id = new TaskStore(env.database()).insert(new NewTask("sleep", Json.parse("{\"ms\": 1}")));
        env.database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set status = 'running',"
                        + " attempts = 3, started_at = now(), worker = 'gone-host/4242' where id = :id")
                .bind("id", id)
                .execute());
        long deadBefore = deadCount();
        publish(env.queues().main(), WireFormat.taskIdProperties(id).build(), WireFormat.taskIdBody(id));
        // Each requeueing nack counts a delivery; past the limit the broker moves it to .dead.
        Await.until(SETTLE, "the broker dead-letters task " + id + " at its delivery limit", () -> {
            try {
                GetResponse response = channel.basicGet(env.queues().main(), false);
                if (response != null) {
                    channel.basicNack(response.getEnvelope().getDeliveryTag(), false, true);
                }
                return deadCount() == deadBefore + 1;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return id;
    }

    /** A task running on a supervisor that beats its heart, with a stale dead letter of its own. */
    public long runningTaskOnLiveSupervisor() throws Exception {
        long id = new TaskStore(env.database()).insert(new NewTask("sleep", Json.parse("{\"ms\": 1}")));
        env.database().jdbi().useHandle(handle -> {
            handle.execute("insert into workers (name) values ('live-host/7') on conflict (name)"
                    + " do update set heartbeat_at = now()");
            handle.createUpdate("update tasks set status = 'running', attempts = 1, started_at = now(),"
                    + " worker = 'live-host/7' where id = :id").bind("id", id).execute();
        });
        deadLetter(WireFormat.taskIdProperties(id), WireFormat.taskIdBody(id), DeadLetterReason.DELIVERY_LIMIT,
                "delivered 10 times without an outcome", null);
        return id;
    }

    /**
     * A task of this schema, failed and dead-lettered, and a dead letter of another schema's task with
     * the same ID, as a supervisor of the other installation on the same queue leaves it; returns the ID.
     */
    public long endedTaskAndAnotherSchemasOfTheSameId() throws Exception {
        long id = endedTask("echo", DeadLetterReason.EXCEPTION, "it threw");
        deadLetter(WireFormat.taskIdProperties(id, "another_installation"), WireFormat.taskIdBody(id),
                DeadLetterReason.OOM, "java.lang.OutOfMemoryError: Java heap space", null);
        return id;
    }

    /** Another dead letter of a task that has one: the supervisor died between its confirm and its ack. */
    public void duplicate(long id, DeadLetterReason reason) throws Exception {
        deadLetter(WireFormat.taskIdProperties(id), WireFormat.taskIdBody(id), reason, "again", id);
    }

    public long deadCount() {
        try {
            return channel.queueDeclarePassive(env.queues().dead()).getMessageCount();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void deadLetter(AMQP.BasicProperties.Builder properties, byte[] body, DeadLetterReason reason,
            String detail, Long taskId) throws Exception {
        AMQP.BasicProperties original = properties.build();
        Map<String, Object> headers = new HashMap<>();
        if (original.getHeaders() != null) {
            headers.putAll(original.getHeaders());
        }
        headers.put(WireFormat.REASON_HEADER, reason.value());
        headers.put(WireFormat.DETAIL_HEADER, WireFormat.oneLine(detail));
        if (taskId != null) {
            headers.put(WireFormat.TASK_ID_HEADER, taskId);
        }
        publish(env.queues().dead(), original.builder().headers(headers).deliveryMode(2).build(), body);
    }

    private void publish(String queue, AMQP.BasicProperties properties, byte[] body) throws Exception {
        channel.basicPublish("", queue, true, properties, body);
        channel.waitForConfirmsOrDie(SETTLE.toMillis());
    }

    @Override
    public void close() throws IOException, TimeoutException {
        if (channel.isOpen()) {
            channel.close();
        }
    }
}
