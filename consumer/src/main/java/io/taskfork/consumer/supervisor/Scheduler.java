package io.taskfork.consumer.supervisor;

import io.taskfork.consumer.supervisor.amqp.DeliveryActions;
import io.taskfork.shared.store.DueTasks;
import io.taskfork.shared.store.Outbox;
import io.taskfork.shared.store.TaskStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes scheduled tasks when their time comes, and ends those that expire unstarted. It looks
 * four times a second, so a due task is published within a quarter of a second and a little more;
 * a task that came due while no supervisor ran is published by the first look of the next one.
 * Every supervisor looks; each row goes to exactly one of them. A look is one read-only statement
 * ({@link DueTasks#pending}) unless it finds work: the writes of a look that finds none cost the
 * supervisor several milliseconds of CPU a second, whatever its load.
 */
final class Scheduler implements Runnable {

    static final Duration PERIOD = Duration.ofMillis(250);
    private static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final DueTasks due;
    private final Outbox outbox;
    private final DeliveryActions actions;
    private final String queue;
    private final ScheduleFirer firer;

    Scheduler(TaskStore store, DeliveryActions actions, String queue, ScheduleFirer firer) {
        this.due = store.dueTasks();
        this.outbox = store.outbox();
        this.actions = actions;
        this.queue = queue;
        this.firer = firer;
    }

    @Override
    public void run() {
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
        } catch (RuntimeException e) {
            // the database is away: the next look tries again, and nothing taken is lost (see publishDue)
            LOG.debug("the scheduler could not read the database: {}", e.toString());
        }
    }

    private void expire() {
        for (DueTasks.Expired task : due.expire(queue, BATCH)) {
            LOG.info("task {} {} expired: not started by {}", task.id(), task.type(), task.expiresAt());
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
