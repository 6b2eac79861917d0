package io.taskfork.consumer.supervisor;

import io.taskfork.consumer.supervisor.launch.ProgressListener;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a running task's progress to its row. A handler may report thousands of times a second;
 * the row is written at most every {@link #EVERY}, and the latest report always reaches it within
 * that time: one held back is written when its turn comes, or when the child has ended, before its
 * outcome is recorded (a progress write only touches a running row).
 */
final class ProgressWriter implements ProgressListener {

    static final Duration EVERY = Duration.ofMillis(200);
    private static final Logger LOG = LoggerFactory.getLogger(ProgressWriter.class);
    private static final Executor LATER = CompletableFuture.delayedExecutor(EVERY.toMillis(), TimeUnit.MILLISECONDS);

    private final TaskStore store;
    private final Task task;
    private long lastWrite;
    private Report pending;

    ProgressWriter(TaskStore store, Task task) {
        this.store = store;
        this.task = task;
    }

    @Override
    public synchronized void reported(int percent, String message) {
        boolean flushScheduled = pending != null;
        pending = new Report(percent, message);
        if (System.nanoTime() - lastWrite >= EVERY.toNanos()) {
            flush();
        } else if (!flushScheduled) {
            CompletableFuture.runAsync(this::flush, LATER);
        }
    }

    /** Writes a report still held back; called once the child has ended. */
    synchronized void flush() {
        if (pending == null) {
            return;
        }
        Report report = pending;
        pending = null;
        lastWrite = System.nanoTime();
        try {
            store.attempts().progress(task.id(), task.attempts(), report.percent(), report.message());
        } catch (RuntimeException e) {
            // progress is a courtesy: a database hiccup must not fail the task
            LOG.debug("could not record progress of task {}: {}", task.id(), e.toString());
        }
    }

    private record Report(int percent, String message) {
    }
}
