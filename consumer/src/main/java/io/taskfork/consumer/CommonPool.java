package io.taskfork.consumer;

/**
 * Gives the JVM's common pool at least two threads. {@code Process.onExit()} completes on
 * {@code CompletableFuture}'s default executor, and with a common pool of fewer than two threads
 * (a host of one or two CPUs) that executor starts a new thread for every completion: one thread
 * per child's exit, started and torn down for a few microseconds of work. With two, the pool's
 * threads are reused.
 */
final class CommonPool {

    static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    private static final int LEAST = 2;

    private CommonPool() {
    }

    /** Must run before anything touches {@code ForkJoinPool}: the common pool reads the property once. */
    static void atLeastTwoThreads() {
        if (System.getProperty(PARALLELISM) == null && Runtime.getRuntime().availableProcessors() - 1 < LEAST) {
            System.setProperty(PARALLELISM, Integer.toString(LEAST));
        }
    }
}
