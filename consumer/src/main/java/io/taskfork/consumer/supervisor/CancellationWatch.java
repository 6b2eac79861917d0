package io.taskfork.consumer.supervisor;

import io.taskfork.consumer.supervisor.launch.ChildLauncher;
import io.taskfork.shared.store.TaskStore;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the rows of the tasks running here a few times a second, and kills the child of any
 * that was cancelled: a cancelled task stops within a second, wherever it runs.
 */
final class CancellationWatch implements Runnable {

    static final Duration PERIOD = Duration.ofMillis(300);
    private static final Logger LOG = LoggerFactory.getLogger(CancellationWatch.class);

    private final TaskStore store;
    private final ChildLauncher children;
    private final Supplier<Set<Long>> runningHere;

    CancellationWatch(TaskStore store, ChildLauncher children, Supplier<Set<Long>> runningHere) {
        this.store = store;
        this.children = children;
        this.runningHere = runningHere;
    }

    @Override
    public void run() {
        Set<Long> running = runningHere.get();
        if (running.isEmpty()) {
            return;
        }
        try {
            for (long taskId : store.cancelledAmong(running)) {
                if (children.cancel(taskId)) {
                    LOG.info("task {} was cancelled; killing its child", taskId);
                }
            }
        } catch (RuntimeException e) {
            // the database is away; the next look comes soon enough
            LOG.debug("could not look for cancelled tasks: {}", e.toString());
        }
    }
}
