package io.taskfork.shared.schedule;

import io.taskfork.shared.TaskforkException;

/** A schedule has the name already: adding does not replace it. */
public final class ScheduleExistsException extends TaskforkException {

    public ScheduleExistsException(String name) {
        super("a schedule named " + name + " exists already; remove it first to replace it");
    }
}
