package io.taskfork.consumer.supervisor;

import com.rabbitmq.client.Delivery;
import io.taskfork.consumer.supervisor.amqp.DeliveryActions;
import io.taskfork.consumer.supervisor.metrics.SupervisorMetrics;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.store.Workers;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.DeadLetterReason;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles a delivery whose task could not be claimed, from its row as it is read: ended, running,
 * not yet due, expired, of a type no handler provides, or of a type at its limit. Each branch rests
 * on what the row says, never on the claim's failure alone.
 */
final class UnclaimedDeliveries {

    private static final Logger LOG = LoggerFactory.getLogger(UnclaimedDeliveries.class);
    // a delivery of a task running on another live supervisor waits this long in .retry, then comes back
    static final Duration DEFER_WHILE_RUNNING_ELSEWHERE = Duration.ofSeconds(5);
    private static final String UNKNOWN_TYPE_TAG = "(unknown)";

    private final TaskStore store;
    private final Workers workers;
    private final Set<String> handlerTypes;
    private final DeliveryActions actions;
    private final SupervisorMetrics metrics;
    private final DeliveryProcessor.Policies policies;
    private final Fates fates;
    private final Set<Long> runningHere;

    /** @param runningHere the tasks whose children run here now, as the processor keeps them */
    UnclaimedDeliveries(TaskStore store, Workers workers, Set<String> handlerTypes, DeliveryActions actions,
            SupervisorMetrics metrics, DeliveryProcessor.Policies policies, Fates fates, Set<Long> runningHere) {
        this.store = store;
        this.workers = workers;
        this.handlerTypes = handlerTypes;
        this.actions = actions;
        this.metrics = metrics;
        this.policies = policies;
        this.fates = fates;
        this.runningHere = runningHere;
    }

    /**
     * Settles a delivery whose task could not be claimed, from the row as it is now: each branch
     * rests on what the row says, never on the claim's failure alone.
     *
     * @return false when the row is runnable after all (it changed since the claim looked): claim again
     */
    boolean settle(Delivery delivery, Task task) throws Exception {
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
                && !task.options().expiresAt().isAfter(Instant.now())) {
            return expire(delivery, task);
        }
        if (task.status() == TaskStatus.SCHEDULED || task.status() == TaskStatus.RETRYING
                && task.options().runAt() != null && task.options().runAt().isAfter(Instant.now())) {
            // a message that came before the task's time: the scheduler publishes it when it is due
            LOG.info("task {} is {} for {}; this message is acked, and the task published then", task.id(),
                    task.status().value(), task.options().runAt());
            actions.ack(delivery);
            return true;
        }
        if (!handlerTypes.contains(task.type())) {
            return failUnknownType(delivery, task);
        }
        Integer limit = policies.limits().of(task.type());
        if (limit != null && policies.patience().untilDone("counting the type's tasks",
                () -> store.running(task.type())) >= limit) {
            return putBack(delivery, task, limit);
        }
        return false;
    }

    /**
     * A task whose type is at its limit waits a moment as a scheduled one, and its message is
     * acked: it burns no delivery and no attempt, and holds no prefetch slot another type could use.
     *
     * @return false when it was no longer waiting to run
     */
    private boolean putBack(Delivery delivery, Task task, int limit) throws Exception {
        // from half a second to a second and a half, so that the waiting tasks of a type spread out
        Duration wait = Duration.ofMillis(500 + (long) (Math.random() * 1000));
        if (!policies.patience().untilDone("putting the task back", () -> store.attempts().putBack(task.id(), wait))) {
            return false;
        }
        LOG.debug("task {} {} waits {}: {} of its type run, its limit", task.id(), task.type(), Values.format(wait),
                limit);
        actions.ack(delivery);
        return true;
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
        if (policies.patience().untilDone("reading the task", () -> store.attempts().lacksDeadLetter(task.id()))) {
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
     * When the task's runner was last heard from, and when its task is taken over unless it is heard
     * from again: what an operator watching a supervisor that died wants to know.
     */
    private String heartbeat(String runner) {
        Optional<Duration> silence;
        try {
            silence = workers.silentFor(runner);
        } catch (RuntimeException unreadable) {
            return "whose heartbeat could not be read (" + unreadable.getMessage() + ")";
        }
        if (silence.isEmpty()) {
            return "which has no heartbeat: the task is taken over at its next delivery";
        }
        return "whose last heartbeat was " + Values.format(silence.get().truncatedTo(ChronoUnit.SECONDS))
                + " ago (taken over once that is " + Values.format(Workers.DEAD_AFTER) + ")";
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
        if (LOG.isInfoEnabled()) {
            // a statement of its own, only for the line: a deferral is rare, a copy or a takeover
            LOG.info("task {} is running on {} since {}, {}; message deferred {}", task.id(), task.worker(),
                    task.startedAt(), heartbeat(task.worker()), Values.format(DEFER_WHILE_RUNNING_ELSEWHERE));
        }
        actions.deferTask(delivery, task.id(), DEFER_WHILE_RUNNING_ELSEWHERE);
    }
}
