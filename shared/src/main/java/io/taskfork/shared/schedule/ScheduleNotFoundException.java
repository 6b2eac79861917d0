package io.taskfork.shared.schedule;

import io.taskfork.shared.TaskforkException;

/** No schedule has the name given. */
public final class ScheduleNotFoundException extends TaskforkException {

    public ScheduleNotFoundException(String name) {
        super("no schedule named " + name);
    }
}
