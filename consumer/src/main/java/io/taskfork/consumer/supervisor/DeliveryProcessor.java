package io.taskfork.consumer.supervisor;

import com.rabbitmq.client.Delivery;
import io.taskfork.consumer.amqp.DeliveryActions;
import io.taskfork.consumer.child.StopReason;
import io.taskfork.consumer.child.Verdict;
import io.taskfork.consumer.metrics.SupervisorMetrics;
import io.taskfork.shared.config.Values;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the fate of one delivery: which task it names, whether to run it, and, once its outcome
 * is durably recorded, whether to ack it, retry it or dead-letter it. Nothing escapes
 * {@link #accept}: what cannot be decided is requeued, and a message requeued again and again ends
 * in the dead-letter queue at the delivery limit.
 */
final class DeliveryProcessor implements Consumer<Delivery> {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);
    private static final Duration REQUEUE_PAUSE = Duration.ofSeconds(1);
    private static final Duration DEFER_WHILE_RUNNING_ELSEWHERE = Duration.ofSeconds(5);
    private static final String UNKNOWN_TYPE_TAG = "(unknown)";
    private static final String DELIVERY_COUNT_HEADER = "x-delivery-count";

    private final TaskStore store;
    private final TaskRunner runner;
    private final Set<String> handlerTypes;
    private final DeliveryActions actions;
    private final SupervisorMetrics metrics;
    private final Policies policies;
    private final Set<Long> runningHere = ConcurrentHashMap.newKeySet();

    DeliveryProcessor(TaskStore store, TaskRunner runner, Set<String> handlerTypes, DeliveryActions actions,
            SupervisorMetrics metrics, Policies policies) {
        this.store = store;
        this.runner = runner;
        this.handlerTypes = Set.copyOf(handlerTypes);
        this.actions = actions;
        this.metrics = metrics;
        this.policies = policies;
    }

    /**
     * Who this supervisor is and the rules it runs by.
     *
     * @param staleAfter a row running for longer than this lost its runner, and may be claimed again
     */
    record Policies(String worker, int maxMessageBytes, Duration staleAfter, RetryPolicy retry, Patience patience) {
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
            deadLetterOrRequeue(delivery, e.reason(), e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requeue(delivery, "interrupted");
        } catch (Throwable unexpected) {
            LOG.error("delivery {} could not be handled; requeued", delivery.getEnvelope().getDeliveryTag(),
                    unexpected);
            pause();
            requeue(delivery, unexpected.toString());
        }
    }

    private void process(Delivery delivery) throws Exception {
        long deliveries = deliveryCount(delivery);
        if (deliveries >= Topology.DELIVERY_LIMIT - 1) {
            // Dead-letter it ourselves one delivery before the broker would, so that it carries our headers.
            deadLetterOrRequeue(delivery, DeadLetterReason.DELIVERY_LIMIT, "delivered " + (deliveries + 1)
                    + " times without an outcome (a consumer failed or died with it each time)", null);
            return;
        }
        TaskMessage message = WireFormat.parse(delivery.getBody(), delivery.getProperties().getContentType(),
                delivery.getProperties().getMessageId(), policies.maxMessageBytes());
        Task task = policies.patience().untilDone("reading the task", () -> resolve(message));
        if (task.status().isTerminal()) {
            LOG.info("task {} is already {}; its message is acked without running it", task.id(),
                    task.status().value());
            actions.ack(delivery);
            return;
        }
        if (!handlerTypes.contains(task.type())) {
            failUnknownType(delivery, task);
            return;
        }
        Optional<Task> claimed = policies.patience().untilDone("claiming the task",
                () -> store.claim(task.id(), policies.worker(), policies.staleAfter()));
        if (claimed.isEmpty()) {
            notClaimed(delivery, task.id());
            return;
        }
        runningHere.add(task.id());
        try {
            run(delivery, claimed.get());
        } finally {
            runningHere.remove(task.id());
        }
    }

    private Task resolve(TaskMessage message) {
        if (message instanceof TaskMessage.Existing existing) {
            return store.find(existing.taskId()).orElseThrow(() -> new MalformedMessageException(
                    DeadLetterReason.UNKNOWN_TASK, "no task with ID " + existing.taskId()));
        }
        TaskMessage.Create create = (TaskMessage.Create) message;
        return store.createFromMessage(new NewTask(create.type(), create.payload(), create.maxAttempts()),
                create.messageId());
    }

    private void failUnknownType(Delivery delivery, Task task) throws InterruptedException {
        String detail = "no handler for type \"" + task.type() + "\"; known types: "
                + String.join(", ", handlerTypes.stream().sorted().toList());
        policies.patience().untilDone("failing the task", () -> store.failUnknownType(task.id(), detail));
        metrics.finished(UNKNOWN_TYPE_TAG, TaskStatus.FAILED, FailureKind.UNKNOWN_TYPE);
        LOG.info("task {} {} failed/unknown-type: {}", task.id(), task.type(), detail);
        deadLetterOrRequeue(delivery, DeadLetterReason.UNKNOWN_TYPE, detail, task.id());
    }

    /**
     * Another delivery of the same task holds its row. If it runs here, this one is a duplicate
     * and safe to ack: the one running here is acked or redelivered on its own. If it runs
     * elsewhere, it may belong to a supervisor that died, so this message is parked in the retry
     * queue and comes back until the row is terminal or its runner is known to be gone.
     */
    private void notClaimed(Delivery delivery, long taskId) throws Exception {
        Optional<Task> row = policies.patience().untilDone("reading the task", () -> store.find(taskId));
        if (row.isEmpty() || row.get().status().isTerminal() || runningHere.contains(taskId)) {
            LOG.info("task {} is already {}; duplicate message acked", taskId,
                    row.map(task -> task.status().value()).orElse("gone"));
            actions.ack(delivery);
            return;
        }
        LOG.info("task {} is running on {} since {}; message deferred {}", taskId, row.get().worker(),
                row.get().startedAt(), Values.format(DEFER_WHILE_RUNNING_ELSEWHERE));
        actions.deferTask(delivery, taskId, DEFER_WHILE_RUNNING_ELSEWHERE);
    }

    private void run(Delivery delivery, Task task) throws Exception {
        TaskRunner.Run run = runner.run(task);
        if (run.exit().stoppedBy() == StopReason.SHUTDOWN) {
            giveBack(delivery, task, run);
            return;
        }
        if (run.exit().stoppedBy() == StopReason.CANCEL) {
            metrics.finished(task.type(), TaskStatus.CANCELLED, null);
            LOG.info("task {} {} cancelled while running; its child (pid {}) and descendants were killed",
                    task.id(), task.type(), run.exit().pid());
            actions.ack(delivery);
            return;
        }
        Verdict verdict = run.verdict();
        if (!verdict.succeeded()) {
            Integer ownLimit = policies.patience().untilDone("reading max_attempts",
                    () -> store.maxAttempts(task.id()).orElse(null));
            Optional<Duration> delay = policies.retry().retryAfter(task.attempts(), ownLimit, verdict);
            if (delay.isPresent()) {
                retry(delivery, task, run, delay.get());
                return;
            }
        }
        boolean recorded = policies.patience().untilDone("recording the outcome",
                () -> store.finish(task.id(), task.attempts(), verdict.outcome()));
        if (!recorded) {
            LOG.warn("task {} moved on while attempt {} ran (cancelled?); its outcome is not recorded", task.id(),
                    task.attempts());
            actions.ack(delivery);
            return;
        }
        record(task, run);
        if (verdict.succeeded()) {
            actions.ack(delivery);
        } else {
            deadLetterOrRequeue(delivery, verdict.reason(), verdict.detail(), task.id());
        }
    }

    private void retry(Delivery delivery, Task task, TaskRunner.Run run, Duration delay) throws Exception {
        Verdict verdict = run.verdict();
        boolean recorded = policies.patience().untilDone("recording the retry",
                () -> store.retry(task.id(), task.attempts(), verdict.outcome()));
        if (!recorded) {
            actions.ack(delivery);
            return;
        }
        metrics.retried(task.type(), verdict.outcome().failureKind());
        metrics.taskRan(task.type(), run.exit().runNanos());
        LOG.info("task {} {} {} on attempt {} (child pid {}), retrying in {}: {}", task.id(), task.type(),
                outcome(verdict), task.attempts(), run.exit().pid(), Values.format(delay), verdict.detail());
        actions.deferTask(delivery, task.id(), delay);
    }

    // Stopped by our own shutdown, not by anything the task did: queued again, the attempt not counted.
    private void giveBack(Delivery delivery, Task task, TaskRunner.Run run) {
        try {
            store.release(task.id(), task.attempts());
        } catch (RuntimeException e) {
            LOG.warn("task {} could not be set back to queued ({}); it is claimable once this worker is gone",
                    task.id(), e.toString());
        }
        LOG.info("task {} {} stopped by shutdown (child pid {}); queued again and its message requeued",
                task.id(), task.type(), run.exit().pid());
        requeue(delivery, "shutdown");
    }

    private void record(Task task, TaskRunner.Run run) {
        Verdict verdict = run.verdict();
        long millis = TimeUnit.NANOSECONDS.toMillis(run.exit().runNanos());
        metrics.finished(task.type(), verdict.outcome().status(), verdict.outcome().failureKind());
        metrics.taskRan(task.type(), run.exit().runNanos());
        if (run.exit().startNanos() >= 0) {
            metrics.childStarted(run.exit().startNanos());
        }
        if (verdict.succeeded()) {
            LOG.info("task {} {} {} in {} ms (child pid {}, attempt {})", task.id(), task.type(), outcome(verdict),
                    millis, run.exit().pid(), task.attempts());
        } else {
            LOG.info("task {} {} {} in {} ms (child pid {}, attempt {}, exit code {}): {}", task.id(), task.type(),
                    outcome(verdict), millis, run.exit().pid(), task.attempts(), run.exit().exitCode(),
                    verdict.detail());
        }
    }

    private static String outcome(Verdict verdict) {
        FailureKind kind = verdict.outcome().failureKind();
        return verdict.outcome().status().value() + (kind == null ? "" : "/" + kind.value());
    }

    private void deadLetterOrRequeue(Delivery delivery, DeadLetterReason reason, String detail, Long taskId) {
        try {
            actions.deadLetter(delivery, reason, detail, taskId);
            metrics.deadLettered(reason);
            if (taskId == null) {
                LOG.info("message {} dead-lettered as {}: {}", delivery.getEnvelope().getDeliveryTag(),
                        reason.value(), detail);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requeue(delivery, "interrupted while dead-lettering");
        } catch (Exception e) {
            LOG.warn("could not dead-letter message {} ({}); requeued", delivery.getEnvelope().getDeliveryTag(),
                    e.toString());
            pause();
            requeue(delivery, e.toString());
        }
    }

    private void requeue(Delivery delivery, String why) {
        try {
            actions.requeue(delivery);
        } catch (Exception e) {
            // the channel is gone; the broker redelivers every unacked message of a closed channel
            LOG.warn("could not requeue message {} ({}; {}); the broker will redeliver it",
                    delivery.getEnvelope().getDeliveryTag(), why, e.toString());
        }
    }

    /** How often the quorum queue delivered this message before (its {@code x-delivery-count}). */
    private static long deliveryCount(Delivery delivery) {
        Map<String, Object> headers = delivery.getProperties().getHeaders();
        Object count = headers == null ? null : headers.get(DELIVERY_COUNT_HEADER);
        return count instanceof Number number ? number.longValue() : 0;
    }

    // A requeued message comes straight back; a short pause keeps a persistent fault from spinning.
    private static void pause() {
        try {
            Thread.sleep(REQUEUE_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
