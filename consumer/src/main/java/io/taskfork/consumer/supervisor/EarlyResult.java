package io.taskfork.consumer.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.consumer.supervisor.launch.ProgressListener;
import io.taskfork.shared.store.EarlyResults;
import io.taskfork.shared.task.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a task's result as soon as its handler returns, while its child is still exiting, after
 * the last progress report: a supervisor killed after that leaves a row that is not run again (see
 * {@link EarlyResults}). The outcome itself is recorded once the child has exited, as for any other
 * ending; should this early record fail, only the window is wider.
 */
final class EarlyResult implements ProgressListener {

    private static final Logger LOG = LoggerFactory.getLogger(EarlyResult.class);

    private final ProgressWriter progress;
    private final EarlyResults results;
    private final Task task;
    private volatile boolean recorded;

    EarlyResult(ProgressWriter progress, EarlyResults results, Task task) {
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
            recorded = results.record(task.id(), task.attempts(), result);
        } catch (RuntimeException e) {
            LOG.debug("could not record task {}'s result before its child exited ({}); it is recorded after",
                    task.id(), e.toString());
        }
    }

    /**
     * Whether the result is in the row already: the outcome is then recorded without it, so that a
     * result of many MiB is not written out as JSON a second time while others may be.
     */
    boolean recorded() {
        return recorded;
    }
}
