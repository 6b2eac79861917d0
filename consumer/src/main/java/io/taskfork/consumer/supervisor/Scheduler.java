package io.taskfork.consumer.supervisor;

import io.taskfork.consumer.supervisor.amqp.DeliveryActions;
import io.taskfork.shared.logging.LogSetup;
import io.taskfork.shared.store.DueTasks;
import io.taskfork.shared.store.Outbox;
import io.taskfork.shared.store.TaskStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Publishes scheduled tasks when their time comes, and ends those that expire unstarted. Told by
 * the database of every new time ({@link DatabaseEvents}), it sleeps until the earliest it knows,
 * and looks at least once a second; while it is not told, it looks four times a second, so a due
 * task is published within a quarter of a second and a little more. A task that came due
 * while no supervisor ran is published by the first look of the next one. Every supervisor looks;
 * each row goes to exactly one of them. A look is one read-only statement ({@link DueTasks#pending})
 * unless it finds work: the writes of a look that finds none cost the supervisor several
 * milliseconds of CPU a second, whatever its load.
 */
final class Scheduler {

    static final Duration PERIOD = Duration.ofMillis(250);
    // Told of each new time, a look this often is a net under notifications lost unseen: a
    // connection that died without a word is found out only when it is next used.
    static final Duration TOLD_PERIOD = Duration.ofSeconds(1);
    private static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final DueTasks due;
    private final Outbox outbox;
    private final DeliveryActions actions;
    private final String queue;
    private final ScheduleFirer firer;
    private final BooleanSupplier told;

    /** @param told whether the database tells this supervisor of every new time now */
    Scheduler(TaskStore store, DeliveryActions actions, String queue, ScheduleFirer firer, BooleanSupplier told) {
        this.due = store.dueTasks();
        this.outbox = store.outbox();
        this.actions = actions;
        this.queue = queue;
        this.firer = firer;
        this.told = told;
    }

    /** One look: publishes, fires and expires what is due; returns the milliseconds until the next look. */
    long look() {
        boolean toldNow = told.getAsBoolean();
        try {
            DueTasks.Pending pending = due.pending(queue);
            // the tasks a schedule makes are due at once: this look publishes them
            boolean fired = pending.firing() && firer.fire();
            if (pending.expiring()) {
                expire();
            }
            if (pending.due() || fired) {
                publishDue();
            }
            return nextLook(pending, toldNow);
        } catch (RuntimeException e) {
            // the database is away: the next look tries again, and nothing taken is lost (see publishDue)
            LOG.debug("the scheduler could not read the database: {}", e.toString());
            return PERIOD.toMillis();
        }
    }

    /** When to look after a look that found {@code pending}. */
    static long nextLook(DueTasks.Pending pending, boolean told) {
        OptionalLong next = pending.next();
        if (!told) {
            return PERIOD.toMillis();
        }
        if (next.isEmpty()) {
            return TOLD_PERIOD.toMillis();
        }
        // Due already: this look took it, or could not (a full batch, a row another supervisor holds
        // for a moment); the next look, as soon as it would have come untold, sees which.
        return next.getAsLong() <= 0 ? PERIOD.toMillis() : Math.min(next.getAsLong(), TOLD_PERIOD.toMillis());
    }

    private void expire() {
        for (DueTasks.Expired task : due.expire(queue, BATCH)) {
            try (MDC.MDCCloseable about = MDC.putCloseable(LogSetup.TASK_ID, Long.toString(task.id()))) {
                LOG.info("task {} {} expired: not started by {}", task.id(), task.type(), task.expiresAt());
            }
        }
    }

    private void publishDue() {
        List<Long> taken = due.takeDue(queue, BATCH);
        if (taken.isEmpty()) {
            return;
        }
        try {
            actions.publishTaskIds(taken);
            outbox.markPublished(taken);
            LOG.debug("published {} scheduled tasks that came due: {}", taken.size(), taken);
        } catch (IOException | TimeoutException | RuntimeException e) {
            // they are queued with their message owed: the outbox sweeper publishes them
            LOG.warn("could not publish {} scheduled tasks that came due ({}); the outbox sweeper will", taken.size(),
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
