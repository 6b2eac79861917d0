package io.taskfork.consumer.supervisor.launch;

import io.taskfork.consumer.child.ChildProtocol;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;

/** What a child said about itself on its events pipe, gathered as it arrives. */
final class ChildReport {

    /**
     * A line this long waits for {@link #LARGE_EVENTS}. A result or error of up to the 16 MiB a line may
     * have takes several times its size in the supervisor's heap while it is decoded, parsed and recorded
     * early ({@link ProgressListener#returned}): four of them at once do not fit in ops/taskfork's
     * -Xmx256m, and the supervisor ran out of heap.
     */
    private static final int LARGE_LINE = 1 << 20;
    private static final Semaphore LARGE_EVENTS = new Semaphore(1, true);
    private static final int CHUNK = 8192;

    private final long handedOverNanos;
    private final ProgressListener progress;
    private boolean errorRetryable = true;
    private Long startedNanos;
    private long startedJvmCpuMillis = -1;
    private long returnedJvmCpuMillis = -1;
    private JsonNode result;
    private String errorMessage;
    private String errorTrace;
    private JsonNode types;
    private boolean exitReported;
    private String signalReported;
    private int oversizedOver = -1;
    private long cpuMillis = -1;
    private long peakBytes = -1;
    private boolean complete;
    private volatile boolean takingLine;

    ChildReport(long handedOverNanos, ProgressListener progress) {
        this.handedOverNanos = handedOverNanos;
        this.progress = progress;
    }

    ChildReport(long handedOverNanos) {
        this(handedOverNanos, ProgressListener.IGNORE);
    }

    /**
     * Reads events until the last one of a report, or until the pipe ends (the child died); a line
     * over {@code maxLine} bytes is dropped. It stops at the last event rather than waiting for the
     * end, because a process the child started outside Java may hold the pipe open after it exits.
     * The pipe is read as much at a time as it holds: a byte at a time, a result of 16 MiB took
     * seconds.
     */
    void readAll(InputStream events, int maxLine) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean overflow = false;
        byte[] chunk = new byte[CHUNK];
        for (int read = events.read(chunk); read >= 0; read = events.read(chunk)) {
            int from = 0;
            for (int end = 0; end < read; end++) {
                if (chunk[end] != '\n') {
                    continue;
                }
                overflow |= !append(line, chunk, from, end - from, maxLine);
                from = end + 1;
                if (overflow) {
                    oversizedOver = maxLine;
                } else if (line.size() < LARGE_LINE ? accept(line.toString(StandardCharsets.UTF_8))
                        : acceptLarge(line)) {
                    complete = true;
                    return;
                }
                // a large line's buffer is let go of, not kept at its size for the small lines after it
                line = line.size() < LARGE_LINE ? line : new ByteArrayOutputStream();
                line.reset();
                overflow = false;
            }
            overflow |= !append(line, chunk, from, read - from, maxLine);
        }
    }

    /** Appends what fits of a line's part; false when it did not all fit. */
    private static boolean append(ByteArrayOutputStream line, byte[] part, int from, int length, int maxLine) {
        int fits = Math.max(0, Math.min(length, maxLine - line.size()));
        line.write(part, from, fits);
        return fits == length;
    }

    /**
     * Takes a whole line of {@link #LARGE_LINE} or more under {@link #LARGE_EVENTS}. The permit is
     * taken only once the line has come in full, so that no child can hold it by writing slowly.
     */
    private boolean acceptLarge(ByteArrayOutputStream line) {
        takingLine = true;
        LARGE_EVENTS.acquireUninterruptibly();
        try {
            return accept(line.toString(StandardCharsets.UTF_8));
        } finally {
            LARGE_EVENTS.release();
            takingLine = false;
        }
    }

    /**
     * Whether a line has come in full and is being taken, or waits to be: the child's end does not
     * cut it short, as it does the reading of a pipe that a process the child started holds open.
     */
    boolean takingLine() {
        return takingLine;
    }

    /** Takes one event; true when it was the last of the report. */
    private boolean accept(String line) {
        JsonNode event;
        try {
            event = Json.parse(line);
        } catch (IllegalArgumentException garbled) {
            return false;
        }
        String name = event.path(ChildProtocol.EVENT).asText();
        switch (name) {
            case ChildProtocol.STARTED -> {
                startedNanos = System.nanoTime();
                startedJvmCpuMillis = event.path(ChildProtocol.JVM_CPU_MS).asLong(-1);
            }
            case ChildProtocol.RESULT -> {
                usage(event);
                JsonNode returned = event.get(ChildProtocol.RESULT);
                String unstorable = returned == null ? null : Json.unstorable(returned);
                if (unstorable != null) {
                    // Dropping a NUL can merge two keys into one and the driver writes half a pair as ?:
                    // the row would hold another result than the one returned, and the handler returns
                    // the same next time, so no attempt would fare better.
                    errorMessage = "the handler's result cannot be stored as it is: it holds " + unstorable
                            + ", which PostgreSQL cannot store";
                    errorTrace = errorMessage;
                    errorRetryable = false;
                    return true;
                }
                result = returned;
                progress.returned(result);
            }
            case ChildProtocol.ERROR -> {
                usage(event);
                errorMessage = event.path(ChildProtocol.MESSAGE).asText();
                errorTrace = event.path(ChildProtocol.TRACE).asText();
                errorRetryable = event.path(ChildProtocol.RETRYABLE).asBoolean(true);
            }
            case ChildProtocol.PROGRESS -> progress.reported(event.path(ChildProtocol.PERCENT).asInt(),
                    event.path(ChildProtocol.MESSAGE).isNull() ? null : event.path(ChildProtocol.MESSAGE).asText());
            case ChildProtocol.TYPES -> types = event.get(ChildProtocol.TYPES);
            case ChildProtocol.EXIT -> exitReported = true;
            case ChildProtocol.SIGNAL -> signalReported = event.path(ChildProtocol.NAME).asText();
            default -> {
                // an event from a newer child: nothing here depends on it
            }
        }
        return ChildProtocol.isLast(name);
    }

    private void usage(JsonNode event) {
        cpuMillis = event.path(ChildProtocol.CPU_MS).asLong(-1);
        peakBytes = event.path(ChildProtocol.PEAK_BYTES).asLong(-1);
        returnedJvmCpuMillis = event.path(ChildProtocol.JVM_CPU_MS).asLong(-1);
    }

    /** CPU milliseconds the child reported it had used, with what it ran and reaped; -1 when it did not say. */
    long cpuMillis() {
        return cpuMillis;
    }

    /** The child JVM's peak resident memory in bytes, as it reported; -1 when it did not say. */
    long peakBytes() {
        return peakBytes;
    }

    /** Nanoseconds from launch until the handler was about to run, or -1 if it never got there. */
    long startNanos() {
        return startedNanos == null ? -1 : startedNanos - handedOverNanos;
    }

    /**
     * Milliseconds of CPU the child's JVM used from its {@code started} event, sent before it loads the
     * handler, to its result or error: CPU, not time, so that a task that waits costs nothing here and
     * a busy host makes no task look long. -1 when either event did not come or did not say.
     */
    long handlerCpuMillis() {
        return startedJvmCpuMillis < 0 || returnedJvmCpuMillis < 0 ? -1 : returnedJvmCpuMillis - startedJvmCpuMillis;
    }

    boolean hasResult() {
        return result != null;
    }

    JsonNode result() {
        return result;
    }

    boolean hasError() {
        return errorMessage != null;
    }

    String errorMessage() {
        return errorMessage;
    }

    String errorTrace() {
        return errorTrace;
    }

    /** False when the handler threw a NonRetryableException. */
    boolean errorRetryable() {
        return errorRetryable;
    }

    JsonNode types() {
        return types;
    }

    boolean exitReported() {
        return exitReported;
    }

    /** The name of the signal the child said stopped it, such as SIGTERM, or null. */
    String signalReported() {
        return signalReported;
    }

    /** The last event of a report came: a result, an error or the list of types. */
    boolean complete() {
        return complete;
    }

    /** The limit in bytes of an event line when one over it was dropped, else -1. */
    int oversizedOver() {
        return oversizedOver;
    }
}
