package io.taskfork.producer;

import java.util.ArrayDeque;
import java.util.Deque;

/** What a publisher opened, closed in reverse order of opening; closing twice does nothing. */
final class Resources implements AutoCloseable {

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    synchronized void add(AutoCloseable resource) {
        opened.push(resource);
    }

    @Override
    public synchronized void close() {
        while (!opened.isEmpty()) {
            AutoCloseable resource = opened.pop();
            try {
                resource.close();
            } catch (Exception e) {
                // Closing is best effort: a resource that fails to close is unusable anyway, and
                // the ones opened before it must still be closed.
            }
        }
    }
}
