package io.taskfork.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskOptions;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.topology.TopologyMismatchException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskPublisherIT {

    private static IsolatedEnvironment env;
    private static TaskStore store;
    private static TaskPublisher publisher;
    private static QueueProbe mainQueue;

    @BeforeAll
    static void openEnvironment() throws Exception {
        env = IsolatedEnvironment.create(TaskPublisherIT.class);
        store = new TaskStore(env.database());
        publisher = new TaskPublisher(env.connection(), store, env.queues());
        mainQueue = new QueueProbe(env.connection(), env.queues().main());
    }

    @AfterAll
    static void closeEnvironment() throws Exception {
        if (env != null) {
            publisher.close();
            mainQueue.close();
            env.close();
        }
    }

    @BeforeEach
    void emptyQueue() throws Exception {
        mainQueue.purge();
    }

    @Test
    void submitRecordsQueuedRowAndPublishesItsIdAsPersistentTextMessage() throws Exception {
        long id = publisher.submit("echo", Json.parse("{\"a\":1}"));

        Task row = store.find(id).orElseThrow();
        assertThat(row.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(row.type()).isEqualTo("echo");
        assertThat(row.payload()).isEqualTo(Json.parse("{\"a\":1}"));
        GetResponse message = mainQueue.take();
        assertThat(new String(message.getBody(), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(id));
        assertThat(message.getProps().getDeliveryMode()).isEqualTo(2);
        assertThat(message.getProps().getContentType()).isEqualTo("text/plain");
        assertThat(message.getProps().getMessageId()).isEqualTo("task-" + id);
        assertThat(WireFormat.schemaOf(message.getProps().getHeaders())).as("the schema whose row the ID names")
                .isEqualTo(store.schema());
    }

    @Test
    void submitAllPublishesEveryIdAcrossBatchesInOrder() throws Exception {
        int count = TaskPublisher.BATCH_SIZE * 2 + 34;
        List<NewTask> tasks = IntStream.range(0, count)
                .mapToObj(i -> new NewTask("echo", Json.parse("{\"i\":" + i + "}")))
                .toList();

        List<Long> ids = publisher.submitAll(tasks);

        assertThat(ids).hasSize(count).doesNotHaveDuplicates().isSorted();
        assertThat(store.find(ids.get(count - 1)).orElseThrow().payload())
                .isEqualTo(Json.parse("{\"i\":" + (count - 1) + "}"));
        mainQueue.awaitCount(count);
        assertThat(mainQueue.takeBodies(count)).isEqualTo(ids.stream().map(String::valueOf).toList());
    }

    @Test
    void submitAllOfNothingPublishesNothing() {
        assertThat(publisher.submitAll(List.of())).isEmpty();
        assertThat(mainQueue.count()).isZero();
    }

    @Test
    void payloadThatIsNotAnObjectIsRefusedBeforeAnyRowIsWritten() {
        long before = store.countByStatus().getOrDefault(TaskStatus.QUEUED, 0L);

        assertThatThrownBy(() -> publisher.submit("echo", Json.parse("[1]")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.countByStatus().getOrDefault(TaskStatus.QUEUED, 0L)).isEqualTo(before);
    }

    @Test
    void publishToVanishedQueueFailsNamingTheTaskWhoseRowStaysQueued() throws Exception {
        QueueNames gone = QueueNames.of(env.queues().main() + ".gone");
        try (TaskPublisher onGone = new TaskPublisher(env.connection(), store, gone);
                Channel channel = env.connection().createChannel()) {
            channel.queueDelete(gone.main());

            assertThatThrownBy(() -> onGone.submit("echo", Json.parse("{}")))
                    .isInstanceOfSatisfying(PublishFailedException.class, e -> {
                        assertThat(e.getMessage()).isEqualTo("1 of 1 tasks not confirmed by the broker on queue "
                                + gone.main() + ": 1 unroutable (the queue does not exist); their rows stay queued");
                        assertThat(e.taskIds()).hasSize(1);
                        assertThat(store.find(e.taskIds().get(0)).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);
                        assertThat(publishedAt(e.taskIds().get(0))).as("left for the outbox sweeper").isNull();
                    });
        } finally {
            try (Channel channel = env.connection().createChannel()) {
                channel.queueDelete(gone.dead());
                channel.queueDelete(gone.retry());
            }
        }
    }

    /** The queue is declared before the row is made: else the row would run once the queue is put right. */
    @Test
    void aTaskForAQueueThatExistsWithOtherArgumentsIsRefusedBeforeAnyRowIsWritten() throws Exception {
        String other = env.queues().main() + ".classic";
        try (Channel channel = env.connection().createChannel()) {
            channel.queueDeclare(other, true, false, false, null);
            long before = store.countByStatus().getOrDefault(TaskStatus.QUEUED, 0L);
            NewTask task = new NewTask("echo", Json.parse("{}"), null, new TaskOptions(null, null, null, other));

            assertThatThrownBy(() -> publisher.submit(task)).isInstanceOf(TopologyMismatchException.class)
                    .hasMessageContaining(other);
            assertThatThrownBy(() -> publisher.submitEach(List.of(task))).isInstanceOf(TopologyMismatchException.class);
            assertThat(store.countByStatus().getOrDefault(TaskStatus.QUEUED, 0L)).isEqualTo(before);
        } finally {
            // the declaration makes the dead-letter queue before it meets the main one
            try (Channel channel = env.connection().createChannel()) {
                for (String queue : List.of(other, other + ".dead", other + ".retry")) {
                    channel.queueDelete(queue);
                }
            }
        }
    }

    @Test
    void confirmedTaskIsMarkedPublished() {
        long id = publisher.submit("echo", Json.parse("{}"));

        assertThat(publishedAt(id)).isNotNull();
    }

    private static java.time.OffsetDateTime publishedAt(long id) {
        return env.database().jdbi().withHandle(handle -> handle
                .createQuery("select published_at from tasks where id = :id")
                .bind("id", id)
                .mapTo(java.time.OffsetDateTime.class)
                .one());
    }

    @Test
    void closeKeepsTheCallersConnectionAndCanBeRepeated() {
        TaskPublisher another = new TaskPublisher(env.connection(), store, env.queues());

        another.close();
        another.close();

        assertThat(env.connection().isOpen()).isTrue();
        assertThat(publisher.submit("echo", Json.parse("{}"))).isPositive();
    }
}
