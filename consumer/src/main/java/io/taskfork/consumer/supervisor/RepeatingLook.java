package io.taskfork.consumer.supervisor;

import io.taskfork.consumer.NamedThreads;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a look again and again on a thread of its own: each time after the delay the look returned,
 * or sooner when {@link #lookWithin asked}. Asked while a look runs, the next one comes that much
 * after it ends, so that nothing told during a look waits for the look after.
 */
final class RepeatingLook implements AutoCloseable {

    private static final long AFTER_FAILURE_MS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(RepeatingLook.class);

    private final ScheduledExecutorService thread;
    private final LongSupplier look;
    // All guarded by this. A run whose generation is not the current one was put off by a wake.
    private long generation;
    private ScheduledFuture<?> next;
    private boolean looking;
    private long askedWithin = Long.MAX_VALUE;

    /** @param look one look; returns the milliseconds until the next */
    RepeatingLook(String threadName, LongSupplier look) {
        this.thread = Executors.newSingleThreadScheduledExecutor(NamedThreads.of(threadName, false));
        this.look = look;
        synchronized (this) {
            scheduleIn(0);
        }
    }

    /** Looks now, or as soon as the look under way ends. */
    void wake() {
        lookWithin(0);
    }

    /**
     * Brings the next look forward to {@code millis} from now, or from the end of the look under
     * way, if it would come later.
     */
    synchronized void lookWithin(long millis) {
        if (looking) {
            askedWithin = Math.min(askedWithin, millis);
        } else if (!thread.isShutdown() && next.getDelay(TimeUnit.MILLISECONDS) > millis) {
            next.cancel(false);
            scheduleIn(millis);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    private void run(long mine) {
        synchronized (this) {
            if (mine != generation) {
                return;
            }
            looking = true;
        }
        // a look that threw (it catches what it expects) is not tried again at once
        long delay = AFTER_FAILURE_MS;
        try {
            delay = look.getAsLong();
        } catch (RuntimeException | Error e) {
            LOG.warn("a look on {} failed; the next comes in {} ms", Thread.currentThread().getName(),
                    AFTER_FAILURE_MS, e);
        } finally {
            synchronized (this) {
                looking = false;
                delay = Math.min(delay, askedWithin);
                askedWithin = Long.MAX_VALUE;
                if (!thread.isShutdown()) {
                    scheduleIn(delay);
                }
            }
        }
    }

    private void scheduleIn(long millis) {
        long mine = ++generation;
        try {
            next = thread.schedule(() -> run(mine), Math.max(0, millis), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // closed meanwhile: no more looks
        }
    }
}
