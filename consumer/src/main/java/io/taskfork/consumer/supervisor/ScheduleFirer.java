package io.taskfork.consumer.supervisor;

import io.taskfork.shared.logging.LogSetup;
import io.taskfork.shared.schedule.FirePlan;
import io.taskfork.shared.schedule.ScheduleFiring;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Makes the tasks of the recurring schedules of this supervisor's queue when their time comes,
 * at a look of the {@link Scheduler} that found a schedule due. It only inserts them, as scheduled
 * for their fire time, in the transaction that moves the schedule on; the same look then publishes
 * them. Every supervisor looks; each fire time makes one task (see {@link ScheduleFiring}).
 */
final class ScheduleFirer {

    private static final int BATCH = 100;
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleFirer.class);

    private final ScheduleFiring firing;
    private final String queue;

    ScheduleFirer(ScheduleFiring firing, String queue) {
        this.firing = firing;
        this.queue = queue;
    }

    /** Fires the due schedules; true when any made a task. */
    boolean fire() {
        try {
            boolean made = false;
            for (ScheduleFiring.Fired fired : firing.fireDue(queue, BATCH)) {
                log(fired);
                made |= !fired.taskIds().isEmpty();
            }
            return made;
        } catch (RuntimeException e) {
            // the database is away, or the transaction failed: nothing was made, and the next look tries again
            LOG.debug("the schedule firer could not read the database: {}", e.toString());
            return false;
        }
    }

    private static void log(ScheduleFiring.Fired fired) {
        FirePlan plan = fired.plan();
        String name = fired.schedule().name();
        if (!plan.missed()) {
            try (MDC.MDCCloseable about = MDC.putCloseable(LogSetup.TASK_ID, Long.toString(fired.taskIds().get(0)))) {
                LOG.info("schedule {} made task {} {} for {}", name, fired.taskIds().get(0), fired.schedule().type(),
                        plan.fireTimes().get(0));
            }
        } else {
            LOG.info("schedule {} missed fire times no supervisor looked at in time; catch-up {} made {}{};"
                    + " next at {}", name,
                    fired.schedule().catchUp().value(), made(fired.taskIds()),
                    plan.cut() ? " for the latest " + FirePlan.MOST_MISSED + " of them only" : "", plan.next());
        }
    }

    /** The tasks a catch-up made, for its line: up to a thousand, of which a long list names the first and the last. */
    static String made(List<Long> taskIds) {
        if (taskIds.isEmpty()) {
            return "no task";
        }
        if (taskIds.size() == 1) {
            return "task " + taskIds.get(0);
        }
        if (taskIds.size() <= 5) {
            return "tasks " + taskIds.stream().map(String::valueOf).collect(Collectors.joining(", "));
        }
        // "task" before each ID: "(the first 50, the last 60)" read as counts beside "11 tasks"
        return taskIds.size() + " tasks (the first task " + taskIds.get(0) + ", the last task "
                + taskIds.get(taskIds.size() - 1) + ")";
    }
}
