package io.taskfork.shared.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/** When a schedule fires: at the times of a cron expression in a zone, or every fixed interval. */
public sealed interface Recurrence permits CronRecurrence, EveryRecurrence {

    /** The first fire time of a schedule added or resumed at {@code now}. */
    Instant first(Instant now);

    /**
     * The fire times from {@code from}, itself one, up to and with {@code now}: at most the latest
     * {@code most} of them, and the first one after {@code now}. {@code from} is at or before {@code now}.
     */
    Due due(Instant from, Instant now, int most);

    /** As the user wrote it: {@code cron 0 9 * * 1-5} or {@code every 30s}. */
    String text();

    /** The zone its times are read in: the cron expression's, or UTC for an interval. */
    default ZoneId zone() {
        return ZoneOffset.UTC;
    }

    /**
     * Due fire times.
     *
     * @param times the latest due times, earliest first; never empty
     * @param cut   whether earlier due times were left out to keep to the most asked for
     * @param next  the first fire time after now
     */
    record Due(List<Instant> times, boolean cut, Instant next) {

        public Due {
            if (times.isEmpty()) {
                throw new IllegalArgumentException("no due time");
            }
            times = List.copyOf(times);
        }

        public Instant latest() {
            return times.get(times.size() - 1);
        }

        /** From the latest due time to the next one: the schedule's period there. */
        public Duration period() {
            return Duration.between(latest(), next);
        }
    }
}
