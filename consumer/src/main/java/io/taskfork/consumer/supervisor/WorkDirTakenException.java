package io.taskfork.consumer.supervisor;

import io.taskfork.shared.TaskforkException;
import java.nio.file.Path;

/** TASKFORK_WORK_DIR is the work folder of another schema's supervisors: a bad setting, refused at start. */
public final class WorkDirTakenException extends TaskforkException {

    WorkDirTakenException(Path root, WorkDirOwner owner, WorkDirOwner supervisor) {
        super("TASKFORK_WORK_DIR=" + root + " is the work folder of " + owner + ", and this supervisor's is "
                + supervisor + "; task IDs of two schemas overlap, so each would remove the other's task folders:"
                + " give this supervisor a TASKFORK_WORK_DIR of its own (the default is one per schema), or remove "
                + root.resolve(WorkDirOwner.FILE) + " if no supervisor of " + owner.schema() + " works there any more");
    }
}
