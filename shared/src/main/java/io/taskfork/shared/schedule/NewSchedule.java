package io.taskfork.shared.schedule;

import com.fasterxml.jackson.databind.JsonNode;

/** A schedule to add: its task's type and payload are checked by the caller, as a submit's are. */
public record NewSchedule(String name, String type, JsonNode payload, Recurrence recurrence, CatchUp catchUp,
        String queue) {

    public NewSchedule {
        Schedule.checkName(name);
    }
}
