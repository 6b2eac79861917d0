package io.taskfork.producer.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.schedule.CronRecurrence;
import io.taskfork.shared.schedule.EveryRecurrence;
import io.taskfork.shared.schedule.Schedule;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * How {@code schedule list} shows a schedule: table cells for a person, a JSON object for a
 * script. Times in the table are on the schedule's own clock, with its offset, so that a cron
 * schedule's 09:00 reads as 09:00 in summer and winter.
 */
public final class ScheduleListing {

    public static final List<String> HEADERS = List.of("NAME", "SPEC", "ZONE", "CATCH-UP", "PAUSED", "NEXT",
            "TYPE", "QUEUE", "LAST TASK");

    private ScheduleListing() {
    }

    public static List<String> cells(Schedule schedule) {
        boolean cron = schedule.recurrence() instanceof CronRecurrence;
        return List.of(schedule.name(), schedule.recurrence().text(),
                cron ? schedule.recurrence().zone().getId() : "-", schedule.catchUp().value(),
                schedule.paused() ? "yes" : "no",
                schedule.paused() ? "-" : local(schedule.nextFireAt(), schedule.recurrence().zone()),
                schedule.type(), schedule.queue(), lastTask(schedule));
    }

    /** The schedule as one JSON object: the {@code schedules} row's columns, and its last task's status. */
    public static String json(Schedule schedule) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("name", schedule.name());
        node.put("type", schedule.type());
        node.set("payload", schedule.payload());
        if (schedule.recurrence() instanceof CronRecurrence cron) {
            node.put("cron", cron.expression());
            node.put("zone", cron.zone().getId());
            node.putNull("every");
        } else if (schedule.recurrence() instanceof EveryRecurrence every) {
            node.putNull("cron");
            node.putNull("zone");
            node.put("every", every.interval().toString());
        }
        node.put("catch_up", schedule.catchUp().value());
        node.put("queue", schedule.queue());
        node.put("paused", schedule.paused());
        // A paused schedule has no next time: resume reckons it anew, as the table's "-" says.
        if (schedule.paused()) {
            node.putNull("next_fire_at");
        } else {
            node.put("next_fire_at", schedule.nextFireAt().toString());
        }
        if (schedule.lastTaskId() == null) {
            node.putNull("last_task_id");
        } else {
            node.put("last_task_id", schedule.lastTaskId());
        }
        node.put("last_task_status", schedule.lastTaskStatus());
        node.put("created_at", schedule.createdAt().toString());
        return Json.write(node);
    }

    /**
     * {@code instant} on the clock of {@code zone}, with its offset: {@code 2026-03-30T09:00:00+02:00},
     * and the milliseconds of an {@code --every} schedule's times, which fall between whole seconds.
     */
    public static String local(Instant instant, ZoneId zone) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atZone(zone).truncatedTo(ChronoUnit.MILLIS));
    }

    private static String lastTask(Schedule schedule) {
        if (schedule.lastTaskId() == null) {
            return "-";
        }
        return schedule.lastTaskId() + " " + (schedule.lastTaskStatus() == null ? "gone" : schedule.lastTaskStatus());
    }
}
