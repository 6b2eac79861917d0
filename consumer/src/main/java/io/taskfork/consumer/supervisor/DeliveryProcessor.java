package io.taskfork.consumer.supervisor;

import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.ShutdownSignalException;
import io.taskfork.consumer.supervisor.amqp.DeliveryActions;
import io.taskfork.consumer.supervisor.metrics.SupervisorMetrics;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.logging.LogSetup;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
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
    private static final Duration DEFER_WHILE_RUNNING_ELSEWHERE = Duration.ofSeconds(5);
    private static final String UNKNOWN_TYPE_TAG = "(unknown)";
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

    DeliveryProcessor(TaskStore store, TaskRunner runner, Set<String> handlerTypes, DeliveryActions actions,
            SupervisorMetrics metrics, Policies policies) {
        this.store = store;
        this.runner = runner;
        this.handlerTypes = Set.copyOf(handlerTypes);
        this.actions = actions;
        this.metrics = metrics;
        this.policies = policies;
        this.fates = new Fates(actions, metrics, store);
        this.execution = new TaskExecution(store, runner, actions, metrics, fates, policies);
    }

    /**
     * Who this supervisor is and the rules it runs by.
     *
     * @param staleAfter a row running for longer than this lost its runner, and may be claimed again
     */
    record Policies(String worker, String queue, int maxMessageBytes, Duration staleAfter, RetryPolicy retry,
            Patience patience) {
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
        long deliveries = WireFormat.deliveriesBefore(delivery.getProperties().getHeaders());
        if (deliveries >= Topology.DELIVERY_LIMIT - 1) {
            // Dead-letter it ourselves one delivery before the broker would, so that it carries our headers.
            fates.deadLetter(delivery, DeadLetterReason.DELIVERY_LIMIT, "delivered " + (deliveries + 1)
                    + " times without an outcome (a consumer failed or died with it each time)",
                    namedTask(delivery));
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
            if (!created.created()) {
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
                    () -> store.claim(taskId, policies.worker(), policies.staleAfter(), handlerTypes));
            if (claimed.isPresent()) {
                run(delivery, claimed.get());
                return;
            }
            Task task = policies.patience().untilDone("reading the task", () -> store.find(taskId))
                    .orElseThrow(() -> new MalformedMessageException(DeadLetterReason.UNKNOWN_TASK,
                            "no task with ID " + taskId));
            if (settleUnclaimed(delivery, task)) {
                return;
            }
        }
        LOG.info("task {} changed under {} claims in a row; message deferred {}", taskId, LOOKS,
                Values.format(DEFER_WHILE_RUNNING_ELSEWHERE));
        actions.deferTask(delivery, taskId, DEFER_WHILE_RUNNING_ELSEWHERE);
    }

    private void run(Delivery delivery, Task task) throws Exception {
        runningHere.add(task.id());
        try {
            execution.run(delivery, task);
        } finally {
            runningHere.remove(task.id());
        }
    }

    /**
     * Settles a delivery whose task could not be claimed, from the row as it is now: each branch
     * rests on what the row says, never on the claim's failure alone.
     *
     * @return false when the row is runnable after all (it changed since the claim looked): claim again
     */
    private boolean settleUnclaimed(Delivery delivery, Task task) throws Exception {
        if (task.status().isTerminal()) {
            settleTerminal(delivery, task);
            return true;
        }
        if (task.status() == TaskStatus.RUNNING) {
            if (task.result() != null && policies.patience().untilDone("recording the result",
                    () -> store.earlyResults().settleOrphaned(task.id(), policies.staleAfter()))) {
                metrics.finished(task.type(), TaskStatus.SUCCEEDED, null);
                LOG.info("task {} {} succeeded: its handler had returned when its supervisor {} went; recorded"
                        + " without running it again", task.id(), task.type(), task.worker());
                actions.ack(delivery);
                return true;
            }
            notClaimed(delivery, task);
            return true;
        }
        if (task.attempts() == 0 && task.options().expiresAt() != null
                && !task.options().expiresAt().isAfter(java.time.Instant.now())) {
            return expire(delivery, task);
        }
        if (task.status() == TaskStatus.SCHEDULED || task.status() == TaskStatus.RETRYING
                && task.options().runAt() != null && task.options().runAt().isAfter(java.time.Instant.now())) {
            // a message that came before the task's time: the scheduler publishes it when it is due
            LOG.info("task {} is {} for {}; this message is acked, and the task published then", task.id(),
                    task.status().value(), task.options().runAt());
            actions.ack(delivery);
            return true;
        }
        if (!handlerTypes.contains(task.type())) {
            return failUnknownType(delivery, task);
        }
        return false;
    }

    private TaskStore.FromMessage create(TaskMessage.Create create) {
        return store.createFromMessage(new NewTask(create.type(), create.payload(), create.maxAttempts(),
                create.options().withQueue(policies.queue())), create.messageId());
    }

    /** @return false when the row had started or moved on meanwhile: claim it again */
    private boolean expire(Delivery delivery, Task task) throws Exception {
        if (!policies.patience().untilDone("expiring the task", () -> store.expire(task.id()))) {
            return false;
        }
        LOG.info("task {} {} expired: not started by {}; its message is acked", task.id(), task.type(),
                task.options().expiresAt());
        actions.ack(delivery);
        return true;
    }

    /** Another delivery of a task that has ended: acked, or dead-lettered if its dead letter was lost. */
    private void settleTerminal(Delivery delivery, Task task) throws Exception {
        if (policies.patience().untilDone("reading the task", () -> store.lacksDeadLetter(task.id()))) {
            deadLetterLate(delivery, task);
            return;
        }
        LOG.info("task {} is already {}; its message is acked without running it", task.id(), task.status().value());
        actions.ack(delivery);
    }

    /** A task that failed or crashed while the broker was away: its dead letter is sent now. */
    private void deadLetterLate(Delivery delivery, Task task) {
        DeadLetterReason reason = DeadLetterReason.of(task.failureKind().value());
        String detail = task.error() == null ? task.status().value() : task.error().lines().findFirst().orElse("");
        LOG.info("task {} is already {} but its dead letter was never confirmed; dead-lettering it now", task.id(),
                task.status().value());
        fates.deadLetter(delivery, reason, detail, task.id());
    }

    /** @return false when the row was no longer waiting to run, so that nothing was failed */
    private boolean failUnknownType(Delivery delivery, Task task) throws InterruptedException {
        String detail = "no handler for type \"" + task.type() + "\"; known types: "
                + String.join(", ", handlerTypes.stream().sorted().toList());
        if (!policies.patience().untilDone("failing the task", () -> store.failUnknownType(task.id(), detail))) {
            return false;
        }
        metrics.finished(UNKNOWN_TYPE_TAG, TaskStatus.FAILED, FailureKind.UNKNOWN_TYPE);
        LOG.info("task {} {} failed/unknown-type: {}", task.id(), task.type(), detail);
        fates.deadLetter(delivery, DeadLetterReason.UNKNOWN_TYPE, detail, task.id());
        return true;
    }

    /**
     * Another delivery of the same task holds its row. If it runs here, this one is a duplicate
     * and safe to ack: the one running here is acked or redelivered on its own. If it runs
     * elsewhere, it may belong to a supervisor that died, so this message is parked in the retry
     * queue and comes back until the row is terminal or its runner is known to be gone.
     */
    private void notClaimed(Delivery delivery, Task task) throws Exception {
        if (runningHere.contains(task.id())) {
            LOG.info("task {} is running here; duplicate message acked", task.id());
            actions.ack(delivery);
            return;
        }
        LOG.info("task {} is running on {} since {}; message deferred {}", task.id(), task.worker(),
                task.startedAt(), Values.format(DEFER_WHILE_RUNNING_ELSEWHERE));
        actions.deferTask(delivery, task.id(), DEFER_WHILE_RUNNING_ELSEWHERE);
    }
}
