package io.taskfork.consumer.supervisor;

import com.rabbitmq.client.Delivery;
import io.taskfork.consumer.supervisor.amqp.DeliveryActions;
import io.taskfork.consumer.supervisor.launch.ChildNotStartedException;
import io.taskfork.consumer.supervisor.launch.StopReason;
import io.taskfork.consumer.supervisor.launch.Verdict;
import io.taskfork.consumer.supervisor.metrics.SupervisorMetrics;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.store.EarlyResults;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.task.Usage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a claimed task in its child and settles the delivery by what became of it: acked once the
 * outcome is recorded, parked for a retry, dead-lettered, or given back when shutdown stopped it.
 */
final class TaskExecution {

    private static final Logger LOG = LoggerFactory.getLogger(TaskExecution.class);

    private final TaskStore store;
    private final TaskRunner runner;
    private final DeliveryActions actions;
    private final SupervisorMetrics metrics;
    private final Fates fates;
    private final DeliveryProcessor.Policies policies;
    private final EarlyResults earlyResults;
    private final StartFailures startFailures = new StartFailures();

    TaskExecution(TaskStore store, TaskRunner runner, DeliveryActions actions, SupervisorMetrics metrics,
            Fates fates, DeliveryProcessor.Policies policies) {
        this.store = store;
        this.runner = runner;
        this.actions = actions;
        this.metrics = metrics;
        this.fates = fates;
        this.policies = policies;
        this.earlyResults = store.earlyResults();
    }

    void run(Delivery delivery, Task task) throws Exception {
        if (task.attempts() == 1) {
            metrics.waited(task.type(), Duration.between(task.createdAt(), task.startedAt()));
        }
        ProgressWriter progress = new ProgressWriter(store, task);
        EarlyResult early = new EarlyResult(progress, earlyResults, task);
        TaskRunner.Run run;
        try {
            run = runner.run(task, early);
        } catch (ChildNotStartedException e) {
            deferStart(delivery, task, e);
            return;
        } catch (Exception e) {
            // Stopped by our own shutdown, or a fault of the supervisor's own, with no outcome:
            // queued again, the attempt not counted, and the caller requeues the message.
            release(task, false);
            throw e;
        }
        startFailures.started();
        progress.flush();
        metrics.ran(task.type(), run.exit().runNanos(), run.exit().startNanos());
        // Stopped by us before its handler returned; once it has returned, the task is done whatever stopped it.
        if (run.verdict() == null && run.exit().stoppedBy() == StopReason.SHUTDOWN) {
            giveBack(delivery, task, run);
            return;
        }
        if (run.verdict() == null && run.exit().stoppedBy() == StopReason.CANCEL) {
            keepCancelled(task, run);
            metrics.finished(task.type(), TaskStatus.CANCELLED, null);
            metrics.used(task.type(), run.exit().usage());
            LOG.info("task {} {} cancelled while running ({}child pid {}, attempt {}); its child and descendants"
                    + " were killed", task.id(), task.type(), cost(run), run.exit().pid(), task.attempts());
            actions.ack(delivery);
            return;
        }
        Verdict verdict = run.verdict();
        if (!verdict.succeeded()) {
            Optional<Duration> delay = policies.retry().retryAfter(task.attempts(), task.maxAttempts(), verdict);
            if (delay.isPresent()) {
                retry(delivery, task, run, delay.get());
                return;
            }
        }
        // a result recorded as its handler returned stays as it is: the attempt succeeded then
        boolean resultKept = early.recorded() && verdict.succeeded();
        boolean recorded = policies.patience().untilDone("recording the outcome", () -> store.attempts()
                .finish(task.id(), task.attempts(), verdict.outcome(), run.exit().usage(), resultKept));
        if (!recorded) {
            LOG.warn("task {} moved on while attempt {} ran (cancelled, or taken over while this supervisor was out"
                    + " of touch); its outcome is not recorded", task.id(), task.attempts());
            keepCancelled(task, run);
            actions.ack(delivery);
            return;
        }
        record(task, run);
        if (verdict.succeeded()) {
            actions.ack(delivery);
        } else {
            fates.deadLetter(delivery, verdict.reason(), verdict.detail(), task.id());
        }
    }

    private void retry(Delivery delivery, Task task, TaskRunner.Run run, Duration delay) throws Exception {
        Verdict verdict = run.verdict();
        boolean recorded = policies.patience().untilDone("recording the retry",
                () -> store.attempts().retry(task.id(), task.attempts(), verdict.outcome(), run.exit().usage(), delay));
        if (!recorded) {
            keepCancelled(task, run);
            actions.ack(delivery);
            return;
        }
        metrics.retried(task.type(), verdict.outcome().failureKind());
        metrics.used(task.type(), run.exit().usage());
        LOG.info("task {} {} {} on attempt {} ({}child pid {}), retrying in {}: {}", task.id(), task.type(),
                outcome(verdict), task.attempts(), cost(run), run.exit().pid(), Values.format(delay),
                verdict.detail());
        // the next attempt is a scheduled run, published when it is due: this message is done with
        actions.ack(delivery);
    }

    /**
     * No outcome came, because no child could start: the row must not stay running under this live
     * supervisor, where every delivery of it would be put off until it went stale. It waits as a
     * scheduled task, the attempt not counted, and its message is acked: a fault that lasts burns
     * no delivery, so no delivery limit dead-letters the task, and it runs once a child can start.
     */
    private void deferStart(Delivery delivery, Task task, ChildNotStartedException why)
            throws IOException, InterruptedException {
        Duration wait = startFailures.failed();
        boolean deferred;
        try {
            deferred = policies.patience().untilDone("putting the task back",
                    () -> store.attempts().deferStart(task.id(), task.attempts(), wait));
        } catch (InterruptedException | RuntimeException e) {
            release(task, false);
            throw e;
        }
        LOG.warn("task {} {}: no child could start ({}); {}", task.id(), task.type(), why.getMessage(), deferred
                ? "it waits " + Values.format(wait) + " as a scheduled task, this attempt not counted"
                : "its row had moved on meanwhile");
        actions.ack(delivery);
    }

    // Stopped by our own shutdown, not by anything the task did: queued again, the attempt not counted.
    private void giveBack(Delivery delivery, Task task, TaskRunner.Run run) {
        release(task, true);
        LOG.info("task {} {} stopped by shutdown (child pid {}); queued again and its message requeued",
                task.id(), task.type(), run.exit().pid());
        fates.requeue(delivery, "shutdown");
    }

    private void release(Task task, boolean started) {
        try {
            store.attempts().release(task.id(), task.attempts(), started);
        } catch (RuntimeException e) {
            LOG.warn("task {} could not be set back to queued ({}); it is claimable once this worker is gone",
                    task.id(), e.toString());
        }
    }

    /**
     * A cancel ends the row at once; what the attempt printed and cost is known once its child is
     * gone. Kept where it can be: the task is cancelled whether or not they are, so a failure to
     * write them holds up no ack.
     */
    private void keepCancelled(Task task, TaskRunner.Run run) throws InterruptedException {
        try {
            policies.patience().untilDone("recording the cancelled attempt", () -> store.attempts().cancelled(
                    task.id(), task.attempts(), run.exit().exitCode(), run.exit().log(), run.exit().usage()));
        } catch (RuntimeException e) {
            LOG.warn("task {}'s cancelled attempt keeps no log or figures: {}", task.id(), e.toString());
        }
    }

    private void record(Task task, TaskRunner.Run run) {
        Verdict verdict = run.verdict();
        long millis = TimeUnit.NANOSECONDS.toMillis(run.exit().runNanos());
        metrics.finished(task.type(), verdict.outcome().status(), verdict.outcome().failureKind());
        metrics.used(task.type(), run.exit().usage());
        if (verdict.succeeded()) {
            LOG.info("task {} {} {} in {} ms ({}child pid {}, attempt {})", task.id(), task.type(), outcome(verdict),
                    millis, cost(run), run.exit().pid(), task.attempts());
        } else {
            LOG.info("task {} {} {} in {} ms ({}child pid {}, attempt {}, exit code {}): {}", task.id(), task.type(),
                    outcome(verdict), millis, cost(run), run.exit().pid(), task.attempts(), run.exit().exitCode(),
                    verdict.detail());
        }
    }

    /** "0.08 CPU-s, peak 45 MiB, " as far as they are known; "" when neither is. */
    private static String cost(TaskRunner.Run run) {
        Usage usage = run.exit().usage();
        return (usage.cpuSeconds() == null ? "" : twoDecimals(usage.cpuSeconds()) + " CPU-s, ")
                + (usage.peakMemoryBytes() == null ? "" : "peak " + usage.peakMemoryBytes() / (1024 * 1024) + " MiB, ");
    }

    // As "%.2f" prints it (half up, from the shortest decimal of the double), without a Formatter's
    // parse of its pattern on every task.
    private static String twoDecimals(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return new BigDecimal(Double.toString(value)).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static String outcome(Verdict verdict) {
        FailureKind kind = verdict.outcome().failureKind();
        return verdict.outcome().status().value() + (kind == null ? "" : "/" + kind.value());
    }
}
