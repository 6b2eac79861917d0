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

    public EveryRecurrence {
        if (interval.compareTo(SHORTEST) < 0) {
            throw new IllegalArgumentException("invalid --every " + Values.format(interval) + ": expected at least "
                    + Values.format(SHORTEST));
        }
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
