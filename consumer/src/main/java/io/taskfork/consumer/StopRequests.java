package io.taskfork.consumer;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests to stop a supervisor: the first drains it; a second, while it drains, kills what still
 * runs at once, as a second Ctrl-C does in most servers, rather than leave the user to wait out the
 * grace or reach for SIGKILL, which gives back nothing. A hang-up drains but never hurries: a
 * terminal that closes sends it twice (from the shell, then from the kernel to the foreground group).
 */
public final class StopRequests {

    private final AtomicInteger asked = new AtomicInteger();
    private final CountDownLatch first = new CountDownLatch(1);
    private final CountDownLatch again = new CountDownLatch(1);

    /** One more request: from a signal, or in-process. */
    public void ask() {
        (asked.incrementAndGet() == 1 ? first : again).countDown();
    }

    /** A hang-up of the terminal: the first request, else nothing. */
    public void hangUp() {
        if (asked.compareAndSet(0, 1)) {
            first.countDown();
        }
    }

    void awaitFirst() throws InterruptedException {
        first.await();
    }

    /** Counted down by the second request. */
    CountDownLatch again() {
        return again;
    }
}
