package io.taskfork.producer.http;

import io.taskfork.shared.store.TaskWatch;
import io.taskfork.shared.store.TaskWatch.Snapshot;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every followed task once a round, on one thread, in one statement, however many clients
 * follow it, and hands each client the row: a hundred clients on a task cost the database what
 * one does. Each client is written to on a thread of its own, and one still busy with the last
 * round's events is passed over: a client that stops reading blocks only its own writes (until
 * the server's idle timeout drops it), never the others' events, and loses nothing, since each
 * client is sent what changed since the last row it was sent.
 */
final class EventPoller implements AutoCloseable {

    static final Duration DEFAULT_PERIOD = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(EventPoller.class);

    private final TaskWatch watch;
    private final Duration pingAfter;
    private final Map<Long, Set<TaskFollower>> followers = new ConcurrentHashMap<>();
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong taskReads = new AtomicLong();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(named("taskfork-task-events"));
    // threads only while writes are under way: a write to a client that reads is done in microseconds
    private final ExecutorService writers = Executors.newCachedThreadPool(named("taskfork-task-events-writer"));

    EventPoller(TaskWatch watch, Duration period, Duration pingAfter) {
        this.watch = watch;
        this.pingAfter = pingAfter;
        thread.scheduleWithFixedDelay(this::round, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    void follow(long taskId, TaskFollower follower) {
        followers.compute(taskId, (id, set) -> {
            Set<TaskFollower> into = set == null ? ConcurrentHashMap.newKeySet() : set;
            into.add(follower);
            return into;
        });
    }

    void unfollow(long taskId, TaskFollower follower) {
        followers.computeIfPresent(taskId, (id, set) -> {
            set.remove(follower);
            return set.isEmpty() ? null : set;
        });
    }

    /** Rounds that read the database, and task rows read in them. */
    long rounds() {
        return rounds.get();
    }

    long taskReads() {
        return taskReads.get();
    }

    private void round() {
        Set<Long> ids = Set.copyOf(followers.keySet());
        if (ids.isEmpty()) {
            return;
        }
        Map<Long, Snapshot> rows;
        try {
            rows = watch.read(ids);
        } catch (RuntimeException e) {
            // the database is away: the clients wait, pinged, for the next round
            LOG.debug("could not read the followed tasks: {}", e.toString());
            rows = null;
        }
        if (rows != null) {
            rounds.incrementAndGet();
            taskReads.addAndGet(ids.size());
        }
        for (Long id : ids) {
            Snapshot row = rows == null ? null : rows.get(id);
            boolean read = rows != null;
            followers.getOrDefault(id, Set.of()).forEach(follower -> write(id, follower, read, row));
        }
    }

    private void write(long id, TaskFollower follower, boolean read, Snapshot row) {
        if (!follower.startWrite()) {
            return;
        }
        try {
            writers.execute(() -> {
                try {
                    if (!keeps(follower, read, row)) {
                        unfollow(id, follower);
                    }
                } finally {
                    follower.endWrite();
                }
            });
        } catch (RejectedExecutionException e) {
            // closing: every stream is ended there
            follower.endWrite();
        }
    }

    private boolean keeps(TaskFollower follower, boolean read, Snapshot row) {
        try {
            return read ? follower.see(row) && follower.ping(pingAfter) : follower.ping(pingAfter);
        } catch (RuntimeException e) {
            // one client's broken connection must not stop the others' events
            LOG.debug("dropped a follower of the task events: {}", e.toString());
            return false;
        }
    }

    /** Stops the rounds, then ends every stream; once. */
    @Override
    public void close() {
        thread.shutdownNow();
        writers.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
            writers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        followers.values().forEach(set -> set.forEach(TaskFollower::close));
        followers.clear();
    }

    private static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
