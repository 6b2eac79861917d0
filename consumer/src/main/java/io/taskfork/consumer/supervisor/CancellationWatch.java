package io.taskfork.consumer.supervisor;

import io.taskfork.consumer.supervisor.launch.ChildLauncher;
import io.taskfork.shared.logging.LogSetup;
import io.taskfork.shared.store.TaskStore;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Kills the child of a task running here that was cancelled: a cancelled task stops within a
 * second, wherever it runs. Told of each cancel by the database ({@link DatabaseEvents}), it kills
 * the child at once, and looks at the rows of the tasks running here less often, every 700 ms;
 * while it is not told, every 300 ms.
 */
final class CancellationWatch implements AutoCloseable {

    static final Duration PERIOD = Duration.ofMillis(300);
    // Told of each cancel, a look this often is a net under notifications lost unseen: a connection
    // that died without a word is found out only when it is next used.
    static final Duration TOLD_PERIOD = Duration.ofMillis(700);
    // A cancel told that found no child here keeps the looks at PERIOD this long: the task may be
    // claimed here and not yet run (a worker between its claim and the child's start).
    private static final long UNMATCHED_FOR_NANOS = Duration.ofSeconds(2).toNanos();
    private static final Logger LOG = LoggerFactory.getLogger(CancellationWatch.class);

    private final TaskStore store;
    private final ChildLauncher children;
    private final Supplier<Set<Long>> runningHere;
    private final BooleanSupplier told;
    private final RepeatingLook looks;
    private volatile long unmatchedAt = System.nanoTime() - UNMATCHED_FOR_NANOS;

    /** @param told whether the database tells this supervisor of every cancel now */
    CancellationWatch(TaskStore store, ChildLauncher children, Supplier<Set<Long>> runningHere, BooleanSupplier told) {
        this.store = store;
        this.children = children;
        this.runningHere = runningHere;
        this.told = told;
        this.looks = new RepeatingLook("cancellation-watch", this::look);
    }

    /** The database told of a cancel of {@code taskId}, which may run here. */
    void cancelled(long taskId) {
        if (!kill(taskId, "told by the database")) {
            // Another supervisor's task, or one claimed here whose child is not started yet: looks at
            // the rows, as often as they would come untold, tell them apart.
            unmatchedAt = System.nanoTime();
            looks.lookWithin(PERIOD.toMillis());
        }
    }

    /** Looks at the rows now, told or not: what was sent while nobody listened is not known. */
    void lookNow() {
        looks.wake();
    }

    @Override
    public void close() {
        looks.close();
    }

    /** One look at the rows of the tasks running here; returns the milliseconds until the next. */
    private long look() {
        boolean soonAgain = !told.getAsBoolean() || System.nanoTime() - unmatchedAt < UNMATCHED_FOR_NANOS;
        Set<Long> running = runningHere.get();
        if (running.isEmpty()) {
            return soonAgain ? PERIOD.toMillis() : TOLD_PERIOD.toMillis();
        }
        try {
            for (long taskId : store.cancelledAmong(running)) {
                if (!kill(taskId, "found by a look at its row")) {
                    // claimed here, its child not started yet: the next look kills it
                    soonAgain = true;
                }
            }
        } catch (RuntimeException e) {
            // the database is away; the next look comes soon enough
            soonAgain = true;
            LOG.debug("could not look for cancelled tasks: {}", e.toString());
        }
        return soonAgain ? PERIOD.toMillis() : TOLD_PERIOD.toMillis();
    }

    /** Kills the child of {@code taskId} if it runs here; false when there is none to kill. */
    private boolean kill(long taskId, String how) {
        try (MDC.MDCCloseable about = MDC.putCloseable(LogSetup.TASK_ID, Long.toString(taskId))) {
            // said before the kill, so that it comes before the line of the task's end; not said for a
            // child that had ended by itself meanwhile
            return children.cancel(taskId,
                    () -> LOG.info("task {} was cancelled ({}); killing its child", taskId, how));
        }
    }
}
