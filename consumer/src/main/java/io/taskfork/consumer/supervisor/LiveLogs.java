package io.taskfork.consumer.supervisor;

import io.taskfork.consumer.supervisor.launch.ChildLauncher;
import io.taskfork.shared.store.TaskStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the output of running tasks into their rows every second, so that a task's log can be
 * followed while it runs, not only read when it has ended. A task whose output did not grow is
 * not written.
 */
final class LiveLogs implements Runnable {

    static final Duration PERIOD = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(LiveLogs.class);

    private final TaskStore store;
    private final ChildLauncher children;
    private Map<Long, Long> written = new HashMap<>();

    LiveLogs(TaskStore store, ChildLauncher children) {
        this.store = store;
        this.children = children;
    }

    @Override
    public void run() {
        Map<Long, ChildLauncher.LiveOutput> changed = children.outputsChangedSince(written);
        Map<Long, Long> next = new HashMap<>(written);
        next.keySet().retainAll(children.runningTaskIds());
        changed.forEach((taskId, output) -> {
            try {
                store.attempts().runningLog(taskId, output.text().get());
                next.put(taskId, output.total());
            } catch (RuntimeException e) {
                // the database is away; the next round writes it
                LOG.debug("could not write the running log of task {}: {}", taskId, e.toString());
            }
        });
        written = next;
    }
}
