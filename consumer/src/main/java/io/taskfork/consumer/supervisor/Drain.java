package io.taskfork.consumer.supervisor;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** The wait of a stopping supervisor for its task workers, which a second request to stop cuts short. */
final class Drain {

    // how soon a second stop request during a drain is acted on
    private static final Duration HURRY_LOOK = Duration.ofMillis(100);

    private Drain() {
    }

    /**
     * Whether {@code workers}, shut down, finished within {@code grace}; false as soon as {@code hurry}
     * is counted down.
     */
    static boolean finished(ExecutorService workers, Duration grace, CountDownLatch hurry) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (workers.awaitTermination(Math.max(0, Math.min(left, HURRY_LOOK.toNanos())), TimeUnit.NANOSECONDS)) {
                return true;
            }
            if (left <= HURRY_LOOK.toNanos() || hurry.getCount() == 0) {
                return false;
            }
        }
    }
}
