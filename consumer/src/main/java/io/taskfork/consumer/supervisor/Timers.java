package io.taskfork.consumer.supervisor;

import io.taskfork.consumer.NamedThreads;
import io.taskfork.consumer.supervisor.amqp.DeliveryActions;
import io.taskfork.consumer.supervisor.launch.ChildLauncher;
import io.taskfork.shared.schedule.ScheduleFiring;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.store.Workers;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A supervisor's periodic work: the heartbeat, the running tasks' logs and the outbox sweep on one
 * thread; the cancellation watch on another; the scheduler, which also fires the recurring
 * schedules, on a third, so that a slow look at the database never makes a due task late. The
 * database tells both the cancellation watch and the scheduler what concerns them as it happens.
 */
final class Timers {

    // for a beat or a look under way as the supervisor stops: one statement, unless the database is away
    private static final Duration STOP_WITHIN = Duration.ofSeconds(1);

    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(NamedThreads.of("supervisor-timer", false));
    private final RepeatingLook scheduler;
    private final CancellationWatch cancellation;
    private final DatabaseEvents events;

    /** What the timers work on. */
    record Parts(Database database, TaskStore store, ChildLauncher children, DeliveryProcessor processor,
            DeliveryActions actions, Heartbeat heartbeat, String mainQueue, Duration outboxAge) {
    }

    Timers(Parts parts) {
        every(Workers.HEARTBEAT, parts.heartbeat());
        // told before those it tells exist: it starts listening once they do
        events = new DatabaseEvents(parts.database(), new DatabaseEvents.Listener() {
            @Override
            public void cancelled(long taskId) {
                cancellation.cancelled(taskId);
            }

            @Override
            public void due() {
                // a burst of commits, each told apart, brings no more looks than untold
                scheduler.lookWithin(Scheduler.PERIOD.toMillis());
            }

            @Override
            public void listening(boolean now) {
                cancellation.lookNow();
                scheduler.wake();
            }
        });
        cancellation = new CancellationWatch(parts.store(), parts.children(), parts.processor()::runningHere,
                events::listening);
        every(LiveLogs.PERIOD, new LiveLogs(parts.store(), parts.children()));
        Duration outboxAge = parts.outboxAge();
        every(outboxAge.compareTo(OutboxSweeper.PERIOD) < 0 ? outboxAge : OutboxSweeper.PERIOD,
                new OutboxSweeper(parts.store().outbox(), parts.actions(), outboxAge, parts.mainQueue()));
        scheduler = new RepeatingLook("scheduler", new Scheduler(parts.store(), parts.actions(), parts.mainQueue(),
                new ScheduleFirer(new ScheduleFiring(parts.database()), parts.mainQueue()), events::listening)::look);
        events.start();
    }

    /** A draining supervisor publishes nothing more: the other supervisors take the due tasks. */
    void stopScheduling() {
        scheduler.close();
    }

    void stop() throws InterruptedException {
        events.close();
        cancellation.close();
        scheduler.close();
        timers.shutdownNow();
        // a heartbeat under way must not write the worker's row again after the stop removed it
        timers.awaitTermination(STOP_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void every(Duration period, Runnable action) {
        timers.scheduleWithFixedDelay(action, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }
}
