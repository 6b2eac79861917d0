package io.taskfork.shared.schedule;

import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.Database;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The command line's side of {@code schedules}: add, list, pause, resume, remove, run now. Each
 * change takes the row's lock, so it waits for a supervisor firing the schedule at that moment
 * ({@link ScheduleFiring}) and acts on the row as that left it.
 */
public final class Schedules {

    private final Jdbi jdbi;

    public Schedules(Database database) {
        this.jdbi = database.jdbi();
    }

    /** Adds the schedule; its first fire time is the recurrence's first after now. */
    public Schedule add(NewSchedule schedule) {
        return jdbi.inTransaction(handle -> {
            Instant now = ScheduleRows.now(handle);
            Recurrence recurrence = schedule.recurrence();
            boolean added = handle.createUpdate("insert into schedules (name, type, payload, cron, zone, every,"
                            + " catch_up, queue, next_fire_at) values (:name, :type, cast(:payload as jsonb), :cron,"
                            + " :zone, make_interval(secs => cast(:everySeconds as double precision)), :catchUp,"
                            + " :queue, :next) on conflict (name) do nothing")
                    .bind("name", schedule.name())
                    .bind("type", schedule.type())
                    .bind("payload", Json.write(schedule.payload()))
                    .bind("cron", recurrence instanceof CronRecurrence cron ? cron.expression() : null)
                    .bind("zone", recurrence instanceof CronRecurrence cron ? cron.zone().getId() : null)
                    .bind("everySeconds", recurrence instanceof EveryRecurrence every
                            ? (Double) (every.interval().toMillis() / 1000.0) : null)
                    .bind("catchUp", schedule.catchUp().value())
                    .bind("queue", schedule.queue())
                    .bind("next", ScheduleRows.time(recurrence.first(now)))
                    .execute() == 1;
            if (!added) {
                throw new ScheduleExistsException(schedule.name());
            }
            return find(handle, schedule.name(), false);
        });
    }

    /** Every schedule, by name. */
    public List<Schedule> list() {
        return jdbi.withHandle(handle -> handle.createQuery(ScheduleRows.SELECT + " order by s.name")
                .map(ScheduleRows::map).list());
    }

    public Schedule find(String name) {
        return jdbi.withHandle(handle -> find(handle, name, false));
    }

    /** Makes no more tasks until resumed. Pausing a paused schedule changes nothing. */
    public Schedule pause(String name) {
        return jdbi.inTransaction(handle -> {
            find(handle, name, true);
            handle.createUpdate("update schedules set paused = true where name = :name").bind("name", name).execute();
            return find(handle, name, false);
        });
    }

    /**
     * Makes tasks again, from the first fire time after now on the schedule's own times (an
     * {@code --every} schedule stays on the grid of its first time): the times that passed while it
     * was paused are skipped, whatever its catch-up. Resuming a running schedule changes nothing.
     */
    public Schedule resume(String name) {
        return jdbi.inTransaction(handle -> {
            Schedule schedule = find(handle, name, true);
            if (schedule.paused()) {
                Instant now = ScheduleRows.now(handle);
                Instant next = schedule.nextFireAt().isAfter(now) ? schedule.nextFireAt()
                        : schedule.recurrence().due(schedule.nextFireAt(), now, 1).next();
                handle.createUpdate("update schedules set paused = false, next_fire_at = :next where name = :name")
                        .bind("name", name)
                        .bind("next", ScheduleRows.time(next))
                        .execute();
            }
            return find(handle, name, false);
        });
    }

    /** Removes the schedule; the tasks it made are left as they are. */
    public void remove(String name) {
        jdbi.useTransaction(handle -> {
            if (handle.createUpdate("delete from schedules where name = :name").bind("name", name).execute() == 0) {
                throw new ScheduleNotFoundException(name);
            }
        });
    }

    /**
     * Makes one task of the schedule now, paused or not, and leaves its next fire time as it is.
     * The task is scheduled for now, so the scheduler of its queue publishes it at its next look.
     *
     * @return the task's ID
     */
    public long runNow(String name) {
        return jdbi.inTransaction(handle -> {
            Schedule schedule = find(handle, name, true);
            long id = ScheduleRows.insertTasks(handle, schedule, List.of(ScheduleRows.now(handle))).get(0);
            handle.createUpdate("update schedules set last_task_id = :id where name = :name")
                    .bind("id", id).bind("name", name).execute();
            return id;
        });
    }

    private static Schedule find(Handle handle, String name, boolean lock) {
        return handle.createQuery(ScheduleRows.SELECT + " where s.name = :name" + (lock ? " for update of s" : ""))
                .bind("name", name)
                .map(ScheduleRows::map)
                .findOne()
                .orElseThrow(() -> new ScheduleNotFoundException(name));
    }
}
