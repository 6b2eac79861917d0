package io.taskfork.consumer.supervisor.launch;

import io.taskfork.consumer.NamedThreads;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Children started ahead, each connected and waiting for the one task it will run. One is started,
 * in the background, for each one taken, up to a number; one that died while it waited, or that was
 * started before a jar of the handler path changed, is discarded.
 */
final class StandbyChildren implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandbyChildren.class);

    /** Starts one child that waits for its task, on the handler path as {@code startedOn} says; throws when it cannot. */
    interface Starter {
        ChildSession start(HandlerPathStamp startedOn) throws IOException;
    }

    private final int wanted;
    private final Starter starter;
    private final Supplier<HandlerPathStamp> handlerPath;
    private final Duration closeWithin;
    private final ExecutorService starting = Executors.newSingleThreadExecutor(NamedThreads.of("child-standby", true));
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    private int inFlight;
    private boolean closed;

    /**
     * @param handlerPath the handler path's stamp as it is now
     * @param closeWithin how long {@link #close} waits for a child being started
     */
    StandbyChildren(int wanted, Starter starter, Supplier<HandlerPathStamp> handlerPath, Duration closeWithin) {
        this.wanted = wanted;
        this.starter = starter;
        this.handlerPath = handlerPath;
        this.closeWithin = closeWithin;
    }

    /** Children waiting now. */
    synchronized int size() {
        return waiting.size();
    }

    /**
     * The longest waiting child that {@code fits}, is still alive and was started on the handler
     * path as it is now, if there is one; another is started in its place. When none fits, the one
     * that waited longest is discarded and another started in its place: children are started as
     * the tasks handed out now need them, so the waiting ones follow.
     */
    Optional<ChildSession> take(HandlerPathStamp now, Predicate<ChildSession> fits) {
        while (true) {
            Waiting next;
            Waiting unfit = null;
            synchronized (this) {
                next = waiting.stream().filter(child -> fits.test(child.session())).findFirst().orElse(null);
                if (next != null) {
                    waiting.remove(next);
                } else {
                    unfit = waiting.pollFirst();
                }
            }
            if (next == null) {
                if (unfit != null) {
                    fill();
                    unfit.session().discardQuietly();
                }
                return Optional.empty();
            }
            fill();
            ChildSession session = next.session();
            if (!session.isAlive()) {
                String log = session.discardQuietly();
                LOG.warn("a standby child died while it waited (exit code {}){}", session.exitValue(),
                        log.isBlank() ? "" : ": " + log.strip());
            } else if (!next.handlerPath().equals(now)) {
                session.discardQuietly();
                LOG.info("a standby child started before the handler path changed was replaced");
            } else {
                return Optional.of(session);
            }
        }
    }

    /** Starts one more child in the background, unless enough are waiting or starting. */
    void fill() {
        synchronized (this) {
            if (closed || waiting.size() + inFlight >= wanted) {
                return;
            }
            inFlight++;
        }
        try {
            starting.execute(this::startOne);
        } catch (RejectedExecutionException closing) {
            synchronized (this) {
                inFlight--;
            }
        }
    }

    /** Kills the waiting children, and one being started, and removes their directories. */
    @Override
    public void close() {
        List<Waiting> left;
        synchronized (this) {
            closed = true;
            left = List.copyOf(waiting);
            waiting.clear();
        }
        // A child being started now is discarded by its starter, which sees the pool closed.
        starting.shutdown();
        left.forEach(child -> child.session().discardQuietly());
        try {
            starting.awaitTermination(closeWithin.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void startOne() {
        // Read before the JVM opens the jars: a change while it starts makes the child stale, never fresh.
        HandlerPathStamp startedOn = handlerPath.get();
        ChildSession session;
        try {
            session = starter.start(startedOn);
        } catch (IOException | RuntimeException e) {
            // No retry loop: the next task starts a child of its own, and asks for a standby again.
            LOG.warn("cannot start a standby child: {}", e.toString());
            synchronized (this) {
                inFlight--;
            }
            return;
        }
        boolean kept;
        synchronized (this) {
            inFlight--;
            kept = !closed;
            if (kept) {
                waiting.addLast(new Waiting(session, startedOn));
            }
        }
        if (kept) {
            fill();
        } else {
            session.discardQuietly();
        }
    }

    private record Waiting(ChildSession session, HandlerPathStamp handlerPath) {
    }
}
