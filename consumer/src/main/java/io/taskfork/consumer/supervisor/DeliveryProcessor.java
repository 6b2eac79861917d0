package io.taskfork.consumer.supervisor;

import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.ShutdownSignalException;
import io.taskfork.consumer.supervisor.amqp.DeliveryActions;
import io.taskfork.consumer.supervisor.metrics.SupervisorMetrics;
import io.taskfork.shared.config.TypeLimits;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.logging.LogSetup;
import io.taskfork.shared.store.DataRefusal;
import io.taskfork.shared.store.DeliveryLimit;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.store.Workers;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.topology.Topology;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.MalformedMessageException;
import io.taskfork.shared.wire.TaskMessage;
import io.taskfork.shared.wire.WireFormat;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Decides the fate of one delivery: which task it names, whether to run it, and, once its outcome
 * is durably recorded, whether to ack it, retry it or dead-letter it. Nothing escapes
 * {@link #accept}: what cannot be decided is requeued, and a message requeued again and again ends
 * in the dead-letter queue at the delivery limit.
 */
final class DeliveryProcessor implements Consumer<Delivery> {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);
    private static final Duration DEFER_WHILE_RUNNING_ELSEWHERE = UnclaimedDeliveries.DEFER_WHILE_RUNNING_ELSEWHERE;
    // Claims of one delivery's task before it is deferred: a row changes under a claim only in a
    // narrow window (a shutdown giving it back, say), so a third look finding it changed again is rare.
    private static final int LOOKS = 3;

    private final TaskStore store;
    private final TaskRunner runner;
    private final Set<String> handlerTypes;
    private final DeliveryActions actions;
    private final SupervisorMetrics metrics;
    private final Policies policies;
    private final Fates fates;
    private final TaskExecution execution;
    private final Set<Long> runningHere = ConcurrentHashMap.newKeySet();
    private final UnclaimedDeliveries unclaimed;

    DeliveryProcessor(TaskStore store, Workers workers, TaskRunner runner, Set<String> handlerTypes,
            DeliveryActions actions, SupervisorMetrics metrics, Policies policies) {
        this.store = store;
        this.runner = runner;
        this.handlerTypes = Set.copyOf(handlerTypes);
        this.actions = actions;
        this.metrics = metrics;
        this.policies = policies;
        this.fates = new Fates(actions, metrics, store);
        this.execution = new TaskExecution(store, runner, actions, metrics, fates, policies);
        this.unclaimed = new UnclaimedDeliveries(store, workers, this.handlerTypes, actions, metrics, policies,
                fates, runningHere);
    }

    /**
     * Who this supervisor is and the rules it runs by.
     *
     * @param staleAfter a row running for longer than this lost its runner, and may be claimed again
     */
    record Policies(String worker, String queue, int maxMessageBytes, Duration staleAfter, RetryPolicy retry,
            Patience patience, TypeLimits limits) {
    }

    /** The tasks whose children run here now. */
    Set<Long> runningHere() {
        return Set.copyOf(runningHere);
    }

    @Override
    public void accept(Delivery delivery) {
        try {
            process(delivery);
        } catch (MalformedMessageException e) {
            fates.deadLetter(delivery, e.reason(), e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fates.requeue(delivery, "interrupted");
        } catch (ShutdownSignalException brokerGone) {
            // expected while the broker is away: the outcome, if any, is recorded; the message comes back
            LOG.warn("lost the broker while settling delivery {} ({}); it will be redelivered",
                    delivery.getEnvelope().getDeliveryTag(), brokerGone.getMessage());
        } catch (Throwable unexpected) {
            LOG.error("delivery {} could not be handled; requeued", delivery.getEnvelope().getDeliveryTag(),
                    unexpected);
            fates.requeueAfterPause(delivery, unexpected.toString());
        } finally {
            MDC.remove(LogSetup.TASK_ID);
        }
    }

    /**
     * Refuses a task ID published for another schema, first of all: its row is another installation's,
     * and the row of this schema that has the same ID, if any, is no business of the message's; not
     * even its delivery limit may end it.
     */
    private void refuseAnotherSchemasTask(Delivery delivery) {
        // a JSON message names no row: it makes one here, whatever its headers say
        if (WireFormat.namesAnotherSchema(delivery.getProperties().getHeaders(), actions.schema())
                && namedTask(delivery) != null) {
            String schema = WireFormat.schemaShown(WireFormat.schemaOf(delivery.getProperties().getHeaders()));
            String detail = "it names a task of schema " + schema + ", and this supervisor runs those of schema "
                    + actions.schema() + ": two installations share " + policies.queue()
                    + ", where each needs a queue of its own (TASKFORK_QUEUE)";
            LOG.error("a message on {} is dead-lettered as {}: {}", policies.queue(),
                    DeadLetterReason.UNKNOWN_TASK.value(), detail);
            throw new MalformedMessageException(DeadLetterReason.UNKNOWN_TASK, detail);
        }
    }

    /** The task a message names by its ID, for the dead letter's header; null for any other message. */
    private Long namedTask(Delivery delivery) {
        try {
            return WireFormat.parse(delivery.getBody(), delivery.getProperties().getContentType(),
                    delivery.getProperties().getMessageId(), policies.maxMessageBytes())
                    instanceof TaskMessage.Existing existing ? existing.taskId() : null;
        } catch (RuntimeException malformed) {
            return null;
        }
    }

    private void process(Delivery delivery) throws Exception {
        refuseAnotherSchemasTask(delivery);
        long deliveries = WireFormat.deliveriesBefore(delivery.getProperties().getHeaders(),
                delivery.getEnvelope().isRedeliver());
        if (deliveries >= Topology.DELIVERY_LIMIT - 1) {
            // Dead-letter it ourselves one delivery before the broker would, so that it carries our headers.
            long prior = WireFormat.priorDeliveries(delivery.getProperties().getHeaders());
            String detail = "delivered " + (deliveries + 1) + " times"
                    + (prior > 0 ? ", " + prior + " of them before a copy was put back (x-taskfork-prior-deliveries)"
                            : "")
                    + " without an outcome (a consumer failed or died with it each time)";
            Long taskId = namedTask(delivery);
            if (taskId != null) {
                endAtDeliveryLimit(taskId, detail);
            }
            fates.deadLetter(delivery, DeadLetterReason.DELIVERY_LIMIT, detail, taskId);
            return;
        }
        TaskMessage message = WireFormat.parse(delivery.getBody(), delivery.getProperties().getContentType(),
                delivery.getProperties().getMessageId(), policies.maxMessageBytes());
        long taskId;
        if (message instanceof TaskMessage.Existing existing) {
            taskId = existing.taskId();
        } else {
            TaskMessage.Create create = (TaskMessage.Create) message;
            TaskStore.FromMessage created = policies.patience().untilDone("creating the task", () -> create(create));
            if (created.anotherMessage()) {
                // Acked as a copy, it would be work lost without a word: the ID was reused.
                throw new MalformedMessageException(DeadLetterReason.MALFORMED, "its message_id "
                        + create.messageId() + " made task " + created.task().id() + " from another message, of type "
                        + created.task().type() + ": this one, of another type or payload, needs a message_id of"
                        + " its own");
            }
            if (!created.created()) {
                MDC.put(LogSetup.TASK_ID, Long.toString(created.task().id()));
                LOG.info("task {} holds unique key {} and is {}: the message creates nothing and is acked",
                        created.task().id(), create.options().uniqueKey(), created.task().status().value());
                actions.ack(delivery);
                return;
            }
            taskId = created.task().id();
        }
        // Every line this thread logs until the delivery is settled is about this task (accept removes it).
        MDC.put(LogSetup.TASK_ID, Long.toString(taskId));
        for (int look = 1; look <= LOOKS; look++) {
            // The common case takes one statement: the claim of a task this supervisor can run.
            Optional<Task> claimed = policies.patience().untilDone("claiming the task",
                    () -> store.attempts().claim(taskId, policies.worker(), policies.staleAfter(), handlerTypes,
                            policies.limits()));
            if (claimed.isPresent()) {
                run(delivery, claimed.get());
                return;
            }
            Task task = policies.patience().untilDone("reading the task", () -> store.find(taskId))
                    .orElseThrow(() -> new MalformedMessageException(DeadLetterReason.UNKNOWN_TASK,
                            "no task with ID " + taskId));
            if (unclaimed.settle(delivery, task)) {
                return;
            }
        }
        LOG.info("task {} changed under {} claims in a row; message deferred {}", taskId, LOOKS,
                Values.format(DEFER_WHILE_RUNNING_ELSEWHERE));
        actions.deferTask(delivery, taskId, DEFER_WHILE_RUNNING_ELSEWHERE);
    }

    /**
     * Ends the row before its message goes dead, as every dead-lettering path does: a row left
     * waiting or running would never end, and nothing would run it (see {@link DeliveryLimit}).
     */
    private void endAtDeliveryLimit(long taskId, String detail) throws InterruptedException {
        MDC.put(LogSetup.TASK_ID, Long.toString(taskId));
        if (policies.patience().untilDone("ending the task at its delivery limit",
                () -> store.deliveryLimit().end(taskId, detail, policies.staleAfter()))) {
            LOG.warn("task {}: {}; it ends failed as delivery-limit and its message is dead-lettered", taskId,
                    detail);
        }
    }

    private void run(Delivery delivery, Task task) throws Exception {
        runningHere.add(task.id());
        try {
            execution.run(delivery, task);
        } finally {
            runningHere.remove(task.id());
        }
    }

    private TaskStore.FromMessage create(TaskMessage.Create create) {
        String named = create.options().queue();
        if (named != null && !named.equals(policies.queue())) {
            throw new MalformedMessageException(DeadLetterReason.MALFORMED, "\"queue\" names " + named
                    + ", but the message came on " + policies.queue() + ": publish it to " + named);
        }
        try {
            return store.createFromMessage(new NewTask(create.type(), create.payload(), create.maxAttempts(),
                    create.options().withQueue(policies.queue())), create.messageId());
        } catch (RuntimeException e) {
            // refused for what the message holds: every delivery of it would be refused alike
            throw DataRefusal.of(e).<RuntimeException>map(refusal -> new MalformedMessageException(
                    DeadLetterReason.MALFORMED, "the database refused the task: " + refusal)).orElse(e);
        }
    }
}
