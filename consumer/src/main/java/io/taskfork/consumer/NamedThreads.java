package io.taskfork.consumer;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories whose threads say in a thread dump what they are for. */
public final class NamedThreads {

    private NamedThreads() {
    }

    /** Threads named {@code name-1}, {@code name-2}, …; daemon threads do not keep the JVM alive. */
    public static ThreadFactory of(String name, boolean daemon) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(daemon);
            return thread;
        };
    }
}
