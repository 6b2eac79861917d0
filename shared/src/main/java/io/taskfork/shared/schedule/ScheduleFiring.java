package io.taskfork.shared.schedule;

import io.taskfork.shared.store.Database;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The supervisors' side of {@code schedules}: each fire time makes exactly one task, however many
 * supervisors look and whichever of them dies. One transaction takes the due schedules of a queue
 * ({@code FOR UPDATE SKIP LOCKED}: another supervisor passes them by), inserts their tasks, and
 * moves each schedule's {@code next_fire_at} past now. A supervisor killed before the commit leaves
 * neither the tasks nor the move, and the next look does it all; after the commit, the schedule is
 * no longer due, so no look makes those tasks again.
 */
public final class ScheduleFiring {

    private final Jdbi jdbi;

    public ScheduleFiring(Database database) {
        this.jdbi = database.jdbi();
    }

    /** Fires at most {@code limit} due schedules of {@code queue}, each as its catch-up says. */
    public List<Fired> fireDue(String queue, int limit) {
        return jdbi.inTransaction(handle -> {
            Instant now = ScheduleRows.now(handle);
            List<Schedule> due = handle.createQuery(ScheduleRows.SELECT + " where s.queue = :queue and not s.paused"
                            + " and s.next_fire_at <= :now order by s.next_fire_at limit :limit"
                            + " for update of s skip locked")
                    .bind("queue", queue)
                    .bind("now", ScheduleRows.time(now))
                    .bind("limit", limit)
                    .map(ScheduleRows::map)
                    .list();
            List<Fired> fired = new ArrayList<>(due.size());
            for (Schedule schedule : due) {
                fired.add(fire(handle, schedule, now));
            }
            return fired;
        });
    }

    private static Fired fire(Handle handle, Schedule schedule, Instant now) {
        FirePlan plan = FirePlan.of(schedule.recurrence(), schedule.catchUp(), schedule.nextFireAt(), now);
        List<Long> tasks = ScheduleRows.insertTasks(handle, schedule, plan.fireTimes());
        handle.createUpdate("update schedules set next_fire_at = :next,"
                        + " last_task_id = coalesce(cast(:lastTask as bigint), last_task_id) where name = :name")
                .bind("next", ScheduleRows.time(plan.next()))
                .bind("lastTask", tasks.isEmpty() ? null : tasks.get(tasks.size() - 1))
                .bind("name", schedule.name())
                .execute();
        return new Fired(schedule, plan, tasks);
    }

    /** What one schedule made at one look: a task per fire time of its plan, in order. */
    public record Fired(Schedule schedule, FirePlan plan, List<Long> taskIds) {
    }
}
