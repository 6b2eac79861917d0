package io.taskfork.producer.http;

import io.javalin.http.sse.SseClient;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.TaskWatch.Snapshot;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client of {@code /api/tasks/{id}/events}: turns each snapshot of its task into the events
 * that say what changed since the last one it was sent. Once it follows, the poller has one
 * thread at a time write to it ({@link #startWrite}), so it needs no other locks.
 */
final class TaskFollower {

    // A connection that went away is only noticed when a write fails: a quiet task is pinged.
    static final Duration DEFAULT_PING_AFTER = Duration.ofSeconds(15);

    private final SseClient client;
    private final AtomicBoolean writing = new AtomicBoolean();
    private Snapshot last;
    // The log the client holds, and the attempt it is the output of (-1 before the first snapshot).
    private String sentLog = "";
    private int sentAttempt = -1;
    private long lastSentNanos = System.nanoTime();

    TaskFollower(SseClient client) {
        this.client = client;
    }

    /**
     * Sends what changed; the terminal status comes last and ends the stream.
     *
     * @param now the task's row this round; null when it is gone
     * @return whether to keep following: false once the stream ended or the client went away
     */
    boolean see(Snapshot now) {
        if (now == null) {
            client.close();
            return false;
        }
        Snapshot was = last;
        last = now;
        boolean ends = now.status().isTerminal();
        if (!ends && (was == null || was.status() != now.status() || was.attempts() != now.attempts())) {
            sendStatus(now);
        }
        if (now.progress() != null && (was == null || !Objects.equals(was.progress(), now.progress())
                || !Objects.equals(was.progressMessage(), now.progressMessage()))) {
            send("progress", Json.MAPPER.createObjectNode().put("progress", now.progress())
                    .put("message", now.progressMessage()).toString());
        }
        sendLog(now, ends);
        if (ends) {
            sendStatus(now);
            client.close();
            return false;
        }
        return !client.terminated();
    }

    /** Pings the client when nothing was sent for {@code after}; false when it went away. */
    boolean ping(Duration after) {
        if (System.nanoTime() - lastSentNanos >= after.toNanos()) {
            client.sendComment("ping");
            lastSentNanos = System.nanoTime();
        }
        return !client.terminated();
    }

    void close() {
        client.close();
    }

    /** Takes the right to write to this client; false while another write to it is under way. */
    boolean startWrite() {
        return writing.compareAndSet(false, true);
    }

    void endWrite() {
        writing.set(false);
    }

    private void sendLog(Snapshot now, boolean ends) {
        String log = now.log();
        if (sentAttempt == -1) {
            sentAttempt = now.attempts();
        }
        if (now.attempts() != sentAttempt) {
            // A new attempt's log starts afresh, but the row keeps the last attempt's until the
            // supervisor writes this one's first output: held back until then, or until the end.
            if (log.equals(sentLog) && !ends) {
                return;
            }
            sentAttempt = now.attempts();
            sendLog(log, true);
            return;
        }
        if (log.equals(sentLog)) {
            return;
        }
        // The row keeps a bounded log: when it no longer extends what was sent, the client gets all
        // of it again, marked, and replaces what it shows.
        boolean extended = log.startsWith(sentLog);
        sendLog(extended ? log.substring(sentLog.length()) : log, !extended);
    }

    private void sendLog(String text, boolean replaced) {
        sentLog = replaced ? text : sentLog + text;
        send("log", Json.MAPPER.createObjectNode().put("text", text).put("replaced", replaced)
                .put("attempt", sentAttempt).toString());
    }

    private void sendStatus(Snapshot now) {
        send("status", Json.MAPPER.createObjectNode().put("status", now.status().value())
                .put("attempts", now.attempts()).toString());
    }

    private void send(String event, String data) {
        client.sendEvent(event, data);
        lastSentNanos = System.nanoTime();
    }
}
