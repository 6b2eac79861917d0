package io.taskfork.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.amqp.BrokerUnavailableException;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.Inserted;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Submits tasks: records each as a {@code queued} row, then publishes its ID to the main queue
 * (default exchange, persistent, {@code text/plain}) and waits for the broker's publisher confirm.
 *
 * <p>The row is committed before its message is published, so a consumer never receives an ID
 * whose row it cannot see. When a publish is not confirmed (the main queue rejects publishes when
 * it is full, as it is declared with {@code x-overflow=reject-publish}; or the broker does not
 * answer within the confirm timeout), the method throws {@link PublishFailedException} and the
 * row stays {@code queued}; a sweeper republishes such rows later. A message whose confirm timed
 * out may still have reached the queue, so such a task can be delivered twice; the consumer does
 * not run a task again once its row is terminal.
 *
 * <p>One channel serves all submissions; they are serialised, so an instance may be shared by
 * threads but publishes one batch at a time.
 */
public final class TaskPublisher implements AutoCloseable {

    /** Tasks inserted in one transaction and confirmed by one wait in {@link #submitAll}. */
    public static final int BATCH_SIZE = 500;
    /** How long to wait for the broker to confirm a batch. */
    public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);

    private static final String CONNECTION_NAME = "taskfork-producer";
    private static final int POOL_SIZE = 2;
    private static final int CLOSE_TIMEOUT_MS = 5_000;

    private final TaskStore store;
    private final QueueNames queues;
    private final Duration confirmTimeout;
    private final Channel channel;
    private final TaskQueues taskQueues;
    private final ConfirmTracker confirms = new ConfirmTracker();
    private final Resources owned;

    /** As {@link #TaskPublisher(Connection, TaskStore, QueueNames, Duration)}, with the default confirm timeout. */
    public TaskPublisher(Connection connection, TaskStore store, QueueNames queues) {
        this(connection, store, queues, DEFAULT_CONFIRM_TIMEOUT);
    }

    /**
     * A publisher on a connection and store that the caller keeps and closes. Declares the queues
     * and opens the one channel, in confirm mode, that {@link #close()} closes.
     *
     * @throws BrokerUnavailableException when the queues cannot be declared or no channel opened
     * @throws io.taskfork.shared.topology.TopologyMismatchException when a queue exists with other arguments
     */
    public TaskPublisher(Connection connection, TaskStore store, QueueNames queues, Duration confirmTimeout) {
        this(connection, store, queues, confirmTimeout, new Resources());
    }

    private TaskPublisher(Connection connection, TaskStore store, QueueNames queues, Duration confirmTimeout,
            Resources owned) {
        this.store = Objects.requireNonNull(store, "store");
        this.queues = Objects.requireNonNull(queues, "queues");
        this.confirmTimeout = Objects.requireNonNull(confirmTimeout, "confirmTimeout");
        this.owned = owned;
        this.channel = Channels.declareAndOpen(connection, queues);
        this.taskQueues = new TaskQueues(connection, queues.main());
        owned.add(channel::close);
        channel.addConfirmListener(confirms);
        channel.addReturnListener(confirms);
        channel.addShutdownListener(confirms);
    }

    /**
     * A publisher that owns its broker connection and database pool (migrated to the current
     * schema), opened from {@code settings}; {@link #close()} closes them in reverse order.
     */
    public static TaskPublisher open(Settings settings) {
        Resources resources = new Resources();
        try {
            Connection connection = Broker.connect(settings.amqp(), CONNECTION_NAME);
            resources.add(() -> connection.close(CLOSE_TIMEOUT_MS));
            Database database = Database.connect(settings.db(), POOL_SIZE, CONNECTION_NAME);
            resources.add(database);
            database.migrate();
            return new TaskPublisher(connection, new TaskStore(database),
                    QueueNames.of(settings.amqp().queue()), DEFAULT_CONFIRM_TIMEOUT, resources);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /**
     * Creates one task and publishes its ID, waiting for the broker's confirm.
     *
     * @return the new task's ID
     * @throws PublishFailedException when the broker did not confirm; the row exists and stays queued
     */
    public synchronized long submit(String type, JsonNode payload) {
        return submit(new NewTask(type, payload)).id();
    }

    /**
     * Creates one task with its options and publishes its ID, waiting for the broker's confirm;
     * a task whose {@code run_at} is still to come waits as {@code scheduled} instead, for a
     * supervisor to publish it then. A task without a queue of its own goes to this publisher's.
     *
     * @return what was created, or, when another live task holds its unique key, that task
     * @throws PublishFailedException when the broker did not confirm; the row exists and stays queued
     */
    public synchronized Inserted submit(NewTask task) {
        NewTask own = ownQueue(validated(task));
        declareQueues(List.of(own));
        Inserted inserted = store.create(own);
        if (inserted.toPublish()) {
            publishConfirmed(own.options().queue(), List.of(inserted.id()));
        }
        return inserted;
    }

    /**
     * Creates many tasks, {@link #BATCH_SIZE} rows per transaction, publishing each batch's IDs and
     * waiting for their confirms before the next batch is inserted.
     *
     * @return the new tasks' IDs, in the order of {@code tasks}
     * @throws PublishFailedException naming the tasks of the failing batch that were not confirmed;
     *         the batches before it are published, those after it are not inserted
     */
    public synchronized List<Long> submitAll(List<NewTask> tasks) {
        return submitEach(tasks).stream().map(Inserted::id).toList();
    }

    /**
     * As {@link #submitAll}, saying of each task what {@link #submit(NewTask)} says: scheduled
     * ones are not published now, and one whose unique key a live task holds is not created.
     */
    public synchronized List<Inserted> submitEach(List<NewTask> tasks) {
        List<NewTask> own = tasks.stream().map(TaskPublisher::validated).map(this::ownQueue).toList();
        declareQueues(own);
        List<Inserted> all = new ArrayList<>(tasks.size());
        for (int from = 0; from < own.size(); from += BATCH_SIZE) {
            List<NewTask> tasksOfBatch = own.subList(from, Math.min(from + BATCH_SIZE, own.size()));
            List<Inserted> batch = store.createAll(tasksOfBatch);
            Map<String, List<Long>> byQueue = new LinkedHashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).toPublish()) {
                    byQueue.computeIfAbsent(tasksOfBatch.get(i).options().queue(), queue -> new ArrayList<>())
                            .add(batch.get(i).id());
                }
            }
            byQueue.forEach(this::publishConfirmed);
            all.addAll(batch);
        }
        return List.copyOf(all);
    }

    private NewTask ownQueue(NewTask task) {
        return task.options().queue() != null ? task
                : new NewTask(task.type(), task.payload(), task.maxAttempts(), task.options().withQueue(queues.main()));
    }

    /** Closes the channel, then whatever {@link #open} opened, in reverse order; a second call does nothing. */
    @Override
    public void close() {
        owned.close();
    }

    private void declareQueues(List<NewTask> tasks) {
        tasks.forEach(taskQueues::declareOf);
    }

    /**
     * Declares the queues {@code task} names in its {@code "queue"}, as a submit of it would, without
     * making a row: {@code enqueue} refuses a line whose queue cannot be had, and goes on.
     *
     * @throws BrokerUnavailableException when a queue cannot be declared
     * @throws io.taskfork.shared.topology.TopologyMismatchException when a queue exists with other arguments
     */
    public void declareQueueOf(NewTask task) {
        taskQueues.declareOf(task);
    }

    /** The IDs to {@code queue}, whose queues {@link TaskQueues} declared. */
    private void publishConfirmed(String queue, List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        confirms.begin();
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            try {
                confirms.expect(channel.getNextPublishSeqNo(), id);
                // mandatory: should the queue be gone, the broker returns the message instead of dropping it
                channel.basicPublish("", queue, true, WireFormat.taskIdProperties(id, store.schema()).build(),
                        WireFormat.taskIdBody(id));
            } catch (IOException | AlreadyClosedException e) {
                List<Long> failed = new ArrayList<>(confirms.abandon());
                failed.addAll(ids.subList(i + 1, ids.size()));
                throw new PublishFailedException(failed.size() + " of " + ids.size() + " tasks not published to "
                        + queue + ": " + Channels.reason(e) + "; their rows stay queued", failed, e);
            }
        }
        ConfirmTracker.Outcome outcome = awaitConfirms();
        // A row never marked published is published again by a sweeper once it is old enough.
        List<Long> confirmed = new ArrayList<>(ids);
        confirmed.removeAll(outcome.failed());
        store.outbox().markPublished(confirmed);
        if (!outcome.allConfirmed()) {
            throw new PublishFailedException(outcome.describe(ids.size(), queue, confirmTimeout),
                    outcome.failed());
        }
    }

    private ConfirmTracker.Outcome awaitConfirms() {
        try {
            return confirms.await(confirmTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            List<Long> unconfirmed = confirms.abandon();
            throw new PublishFailedException("interrupted while waiting for the broker to confirm "
                    + unconfirmed.size() + " tasks; their rows stay queued", unconfirmed, e);
        }
    }

    private static NewTask validated(NewTask task) {
        Objects.requireNonNull(task.type(), "type");
        if (task.payload() == null || !task.payload().isObject()) {
            throw new IllegalArgumentException("the payload of a task is a JSON object, not " + task.payload());
        }
        return task;
    }
}
