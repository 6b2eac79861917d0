package io.taskfork.shared.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A row of {@code schedules}: a task of {@code type} with {@code payload}, made at every fire time
 * of {@code recurrence}, for the supervisors of {@code queue}.
 *
 * @param lastTaskId     the task it made last (at a fire time or by run-now), or null
 * @param lastTaskStatus that task's status now, or null when it has none or the task is gone
 */
public record Schedule(String name, String type, JsonNode payload, Recurrence recurrence, CatchUp catchUp,
        String queue, boolean paused, Instant nextFireAt, Long lastTaskId, String lastTaskStatus, Instant createdAt) {

    /** What a name may hold: it is typed on command lines and shown in tables. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** Refuses a name the command line could not pass back: an IllegalArgumentException. */
    public static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid schedule name \"" + name + "\": expected 1 to 100 letters,"
                    + " digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }
}
