package io.taskfork.shared.schedule;

import io.taskfork.shared.config.Values;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every fixed interval, counted from the first fire time: the times stay on that grid, so a late
 * look does not shift the ones after it. The times are computed, not walked, so a long gap costs
 * nothing.
 */
public record EveryRecurrence(Duration interval) implements Recurrence {

    /** Shorter intervals would start a child JVM more often than one can finish starting. */
    public static final Duration SHORTEST = Duration.ofSeconds(1);

    /** Longer ones would put fire times past any a task can have (the year 9999) within a lifetime. */
    public static final Duration LONGEST = Values.LONGEST;

    public EveryRecurrence {
        if (interval.compareTo(SHORTEST) < 0) {
            throw refused(interval);
        }
    }

    /**
     * The interval a new schedule asks for, refused when longer than {@link #LONGEST}. A row's own is
     * not held to that: one added before the bound is read as it is.
     */
    public static EveryRecurrence requested(Duration interval) {
        if (interval.compareTo(LONGEST) > 0) {
            throw refused(interval);
        }
        return new EveryRecurrence(interval);
    }

    private static IllegalArgumentException refused(Duration interval) {
        return new IllegalArgumentException("invalid --every " + Values.format(interval) + ": expected at least "
                + Values.format(SHORTEST) + " and at most " + Values.format(LONGEST));
    }

    @Override
    public Instant first(Instant now) {
        return now.plus(interval);
    }

    @Override
    public Due due(Instant from, Instant now, int most) {
        long last = Duration.between(from, now).dividedBy(interval);
        long earliest = Math.max(0, last - most + 1);
        List<Instant> times = new ArrayList<>();
        for (long i = earliest; i <= last; i++) {
            times.add(from.plus(interval.multipliedBy(i)));
        }
        return new Due(times, earliest > 0, from.plus(interval.multipliedBy(last + 1)));
    }

    @Override
    public String text() {
        return "every " + Values.format(interval);
    }
}
