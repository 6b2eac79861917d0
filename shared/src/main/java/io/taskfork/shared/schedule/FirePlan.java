package io.taskfork.shared.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one look at a due schedule does: the fire times it makes a task for, and its next fire
 * time. A look normally comes within a quarter of a second of a fire time. A time first seen later
 * than {@link #MISSED_AFTER}, or than half the schedule's period where that is shorter, was missed
 * (no supervisor ran), and the schedule's {@link CatchUp} decides what becomes of it. Half the
 * period: the latest due time is always less than a period old, so a full period would never
 * count it missed.
 *
 * @param fireTimes the tasks to make, one per time, earliest first; may be empty
 * @param next      the schedule's next fire time, after now
 * @param missed    whether any due time was missed
 * @param cut       whether, catching up with {@link CatchUp#ALL}, more times were due than
 *                  {@link #MOST_MISSED}: the earliest ones make no task
 */
public record FirePlan(List<Instant> fireTimes, Instant next, boolean missed, boolean cut) {

    /** Catching up with {@link CatchUp#ALL} makes at most this many tasks: a year of a minutely schedule would be 525,600. */
    public static final int MOST_MISSED = 1000;
    /** A fire time first seen later than this was missed, unless half the schedule's period is shorter. */
    public static final Duration MISSED_AFTER = Duration.ofMinutes(1);

    public FirePlan {
        fireTimes = List.copyOf(fireTimes);
    }

    /** The plan for a schedule due at {@code from} (at or before {@code now}). */
    public static FirePlan of(Recurrence recurrence, CatchUp catchUp, Instant from, Instant now) {
        Recurrence.Due due = recurrence.due(from, now, catchUp == CatchUp.ALL ? MOST_MISSED : 1);
        Duration half = due.period().dividedBy(2);
        Duration grace = half.compareTo(MISSED_AFTER) < 0 ? half : MISSED_AFTER;
        boolean latestOnTime = Duration.between(due.latest(), now).compareTo(grace) <= 0;
        List<Instant> times = due.times();
        boolean missed = !latestOnTime || times.size() > 1 || due.cut();
        List<Instant> fire = switch (catchUp) {
            case NONE -> latestOnTime ? List.of(due.latest()) : List.of();
            case ONE -> List.of(due.latest());
            case ALL -> times;
        };
        return new FirePlan(fire, due.next(), missed, catchUp == CatchUp.ALL && due.cut());
    }
}
