package io.taskfork.shared.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The times of a UNIX cron expression (five fields: minute, hour, day of month, month, day of
 * week), read on the wall clock of {@code zone}: {@code 0 9 * * *} in Europe/Berlin is 09:00 in
 * Berlin, summer and winter. UNIX rather than Quartz because it is what crontab and most
 * schedulers take, and it has no seconds field to get wrong. Times are computed with
 * {@link ZonedDateTime} in the zone, so a daylight-saving change moves them as the zone's clocks
 * move: a wall-clock time the clocks jump over does not come that day, and one they pass twice
 * comes once, the first time (see README, "Recurring tasks"). cron-utils skips the first kind
 * itself, but gives the second twice for a range of hours ({@code 30 1-3 * * *}) and once for a
 * single hour ({@code 30 2 * * *}); the second pass is dropped here so that both read alike.
 */
public record CronRecurrence(String expression, ZoneId zone, ExecutionTime execution) implements Recurrence {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /** Parses {@code expression} in the zone named {@code zoneId}; a bad one is an IllegalArgumentException. */
    public static CronRecurrence parse(String expression, String zoneId) {
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneId);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("invalid --zone " + zoneId + ": expected a zone such as Europe/Berlin"
                    + " or UTC");
        }
        Cron cron;
        try {
            cron = PARSER.parse(sundayFirst(expression.strip())).validate();
        } catch (IllegalArgumentException e) {
            // cron-utils says "Period 0 not in range [0, 59]" of a step of 0, which reads as a contradiction
            String why = String.valueOf(e.getMessage()).contains("Period 0 not in range")
                    ? "a step of 0 (such as */0) repeats nothing" : e.getMessage();
            throw new IllegalArgumentException("invalid --cron \"" + expression + "\": " + why
                    + " (expected five fields: minute hour day-of-month month day-of-week)", e);
        }
        ExecutionTime execution = ExecutionTime.forCron(cron);
        // 30 February, 31 April: an expression the parser takes that no day of any year has
        if (execution.nextExecution(ZonedDateTime.now(zone)).isEmpty()) {
            throw new IllegalArgumentException("invalid --cron \"" + expression + "\": it names no time that ever"
                    + " comes (such as 30 February)");
        }
        return new CronRecurrence(cron.asString(), zone, execution);
    }

    /**
     * The expression with a day-of-week range that starts at SUN written from 0. cron-utils reads SUN
     * as 7, so SUN-TUE was a range from 7 down to 2 and refused, though crontab reads it as 0-2.
     */
    private static String sundayFirst(String expression) {
        String[] fields = expression.split("\\s+");
        if (fields.length != 5) {
            return expression;
        }
        // not SUN-SUN, nor SUN-0 or SUN-7: from 0 those would be every day, not Sunday
        fields[4] = fields[4].replaceAll("(?i)(^|,)SUN-(?!(SUN|0|7)(\\b|/|,|$))", "$10-");
        return String.join(" ", fields);
    }

    @Override
    public Instant first(Instant now) {
        return after(now);
    }

    @Override
    public Due due(Instant from, Instant now, int most) {
        List<Instant> latest = new ArrayList<>();
        // Walked back from now: only the latest `most` are wanted, however long the gap was.
        // lastExecution is strictly before its argument, so a time exactly now is found from a second on.
        ZonedDateTime cursor = now.plusSeconds(1).atZone(zone);
        boolean cut = false;
        while (true) {
            Optional<ZonedDateTime> previous = execution.lastExecution(cursor);
            if (previous.isEmpty() || !previous.get().toInstant().isAfter(from)) {
                break;
            }
            cursor = previous.get();
            if (cursor.toInstant().isAfter(now) || secondPass(cursor)) {
                continue;
            }
            if (latest.size() == most) {
                cut = true;
                break;
            }
            latest.add(cursor.toInstant());
        }
        if (!cut && latest.size() < most) {
            latest.add(from);
        } else {
            cut = true;
        }
        Collections.reverse(latest);
        return new Due(latest, cut, after(now));
    }

    @Override
    public String text() {
        return "cron " + expression;
    }

    private Instant after(Instant instant) {
        ZonedDateTime next = instant.atZone(zone);
        do {
            next = execution.nextExecution(next).orElseThrow(
                    () -> new IllegalStateException("cron " + expression + " has no time after " + instant));
        } while (secondPass(next));
        return next.toInstant();
    }

    /** Whether {@code time} is the second pass of the clocks over its wall-clock time, as autumn's change makes. */
    private static boolean secondPass(ZonedDateTime time) {
        return !time.withEarlierOffsetAtOverlap().toInstant().equals(time.toInstant());
    }
}
