package io.taskfork.consumer.supervisor.launch;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The children alive now, each from its start or its request until its run ends, and the task each
 * runs: what shutdown kills, what a cancel reaches, whose output the live logs read.
 */
final class LiveChildren {

    private final Set<ChildSession> live = ConcurrentHashMap.newKeySet();
    private final Map<Long, ChildSession> byTask = new ConcurrentHashMap<>();
    // Set by close, under this object's lock: a child of no task (the archive's writer) started after
    // it would be in no set that shutdown kills.
    private boolean closing;

    /** Starts a child of no task with {@code flags}, counted live from now; refused once closed. */
    synchronized void startAlone(ChildSession session, List<String> flags) throws IOException {
        if (closing) {
            throw new IOException("the supervisor is stopping");
        }
        session.start(flags);
        live.add(session);
    }

    /**
     * Hands {@code session} its request and waits for its end, counted live meanwhile; {@code taskId}
     * is null for a child of no task.
     */
    ChildExit run(ChildSession session, JsonNode request, Long taskId, ProgressListener progress)
            throws IOException, InterruptedException {
        live.add(session);
        if (taskId != null) {
            byTask.put(taskId, session);
        }
        try {
            return session.run(request, progress);
        } finally {
            live.remove(session);
            if (taskId != null) {
                byTask.remove(taskId, session);
            }
        }
    }

    /** See {@link ChildLauncher#outputsChangedSince}. */
    Map<Long, ChildLauncher.LiveOutput> outputsChangedSince(Map<Long, Long> seen) {
        Map<Long, ChildLauncher.LiveOutput> changed = new HashMap<>();
        byTask.forEach((taskId, session) -> session.output().ifPresent(capture -> {
            long total = capture.total();
            if (total != seen.getOrDefault(taskId, 0L)) {
                changed.put(taskId, new ChildLauncher.LiveOutput(total, capture::text));
            }
        }));
        return changed;
    }

    Set<Long> taskIds() {
        return Set.copyOf(byTask.keySet());
    }

    /** Children running a task: not the archive's writer, which may run beside them after a jar changed. */
    int runningTasks() {
        return byTask.size();
    }

    /** Kills the child of task {@code taskId} with its descendants (see {@link ChildSession#stop}); true if any. */
    boolean stop(long taskId, StopReason reason, Runnable beforeKill) {
        ChildSession session = byTask.get(taskId);
        if (session == null) {
            return false;
        }
        session.stop(reason, beforeKill);
        return true;
    }

    void stopAll(StopReason reason) {
        live.forEach(session -> session.stop(reason));
    }

    /** Starts no more children of no task. */
    synchronized void close() {
        closing = true;
    }
}
