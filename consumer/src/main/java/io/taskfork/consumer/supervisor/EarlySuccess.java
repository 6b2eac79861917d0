package io.taskfork.consumer.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.consumer.child.ProgressListener;
import io.taskfork.shared.store.EarlyResults;
import io.taskfork.shared.task.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a task's success as soon as its handler returns, while its child is still exiting, after
 * the last progress report: a supervisor killed in between would see the task run again. Should
 * the record fail, the outcome is recorded after the child's exit, as for any other ending.
 */
final class EarlySuccess implements ProgressListener {

    private static final Logger LOG = LoggerFactory.getLogger(EarlySuccess.class);

    private final ProgressWriter progress;
    private final EarlyResults results;
    private final Task task;
    private volatile boolean recorded;

    EarlySuccess(ProgressWriter progress, EarlyResults results, Task task) {
        this.progress = progress;
        this.results = results;
        this.task = task;
    }

    @Override
    public void reported(int percent, String message) {
        progress.reported(percent, message);
    }

    @Override
    public void returned(JsonNode result) {
        progress.flush();
        try {
            recorded = results.succeed(task.id(), task.attempts(), result);
        } catch (RuntimeException e) {
            LOG.debug("could not record task {}'s result before its child exited ({}); recording it after",
                    task.id(), e.toString());
        }
    }

    /** True when the success is in the row already, and only the exit code and log remain to add. */
    boolean recorded() {
        return recorded;
    }
}
