package io.taskfork.consumer.child.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.consumer.child.ChildJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * One output stream of an external command, copied into the task's log as it comes, with its last
 * lines and last JSON line kept. It copies bytes, not characters, and holds no more of a line than
 * {@link #HOLD} for the log and {@link #KEEP} for itself: a command that prints one line of a
 * hundred megabytes must not run its child out of heap.
 */
final class CommandOutput {

    private static final int TAIL_LINES = 20;
    private static final int MESSAGE_TAIL_LINES = 5;
    // A line up to this long reaches the log in one write, whole among the other stream's lines;
    // a longer one goes as it comes.
    static final int HOLD = 64 << 10;
    // A line longer than this is copied to the log but kept neither in the tail nor as a JSON result.
    static final int KEEP = 1 << 20;
    // What the tail keeps of a line, for the error message: twenty of them must not fill a small heap.
    private static final int TAIL_CHARS = 1000;
    // stdout and stderr go to one pipe: a line of one is written whole, not into the middle of the other's
    private static final Object WRITING = new Object();

    private final Deque<String> tail = new ArrayDeque<>();
    private final CountDownLatch given = new CountDownLatch(1);
    private volatile InputStream stream;
    private final Thread reader;
    private String lastJsonLine;

    private CommandOutput(PrintStream log, String name) {
        this.reader = new Thread(() -> {
            try {
                given.await();
            } catch (InterruptedException e) {
                return;
            }
            if (stream != null) {
                copy(stream, log);
            }
        }, "exec-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * A reader started before the command is: a command that forks up to the task's process limit
     * at once would otherwise leave this JVM no thread to read its output with, and the task would
     * end on an OutOfMemoryError that says nothing of the command. Given its stream by {@link #read}.
     */
    static CommandOutput ready(PrintStream log, String name) {
        return new CommandOutput(log, name);
    }

    /** Copies {@code from}, the command's stream, to the log. */
    void read(InputStream from) {
        stream = from;
        given.countDown();
    }

    /** Ends the reader of a command that never started. */
    void abandon() {
        given.countDown();
    }

    void join() throws InterruptedException {
        reader.join();
    }

    /** The last line of stdout that is a JSON value, as tools that stream JSON lines end with their result. */
    synchronized Optional<JsonNode> lastJsonLine() {
        return Optional.ofNullable(lastJsonLine).map(ChildJson::parse);
    }

    /** ": " and the last few lines, or nothing when there were none. */
    synchronized String tailForMessage() {
        if (tail.isEmpty()) {
            return "";
        }
        return ": " + String.join(" | ", tail.stream().skip(Math.max(0, tail.size() - MESSAGE_TAIL_LINES)).toList());
    }

    private void copy(InputStream stream, PrintStream log) {
        byte[] chunk = new byte[8192];
        // What goes to the log once this chunk is read, in one write however many lines it holds: a
        // write a line cost a command of short lines more in system calls, on both ends of the pipe,
        // than it spent on its own work. Then the part of the current line not yet in the log, and
        // the line so far, while it is short enough to keep.
        ByteArrayOutputStream ready = new ByteArrayOutputStream();
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long lineBytes = 0;
        try (stream) {
            for (int read; (read = stream.read(chunk)) >= 0; ) {
                int start = 0;
                for (int i = 0; i < read; i++) {
                    if (chunk[i] == '\n') {
                        moveTo(ready, held);
                        ready.write(chunk, start, i + 1 - start);
                        lineBytes = collect(line, lineBytes, chunk, start, i - start);
                        keepLine(line, lineBytes);
                        line.reset();
                        lineBytes = 0;
                        start = i + 1;
                    }
                }
                held.write(chunk, start, read - start);
                lineBytes = collect(line, lineBytes, chunk, start, read - start);
                if (held.size() > HOLD) {
                    moveTo(ready, held);
                }
                flush(ready, log);
            }
            if (lineBytes > 0) {
                // a last line without its newline ends as a line reader would end it, not glued to what comes next
                held.write('\n');
            }
            moveTo(ready, held);
            flush(ready, log);
            if (lineBytes > 0) {
                keepLine(line, lineBytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void moveTo(ByteArrayOutputStream ready, ByteArrayOutputStream held) throws IOException {
        held.writeTo(ready);
        held.reset();
    }

    private static long collect(ByteArrayOutputStream line, long lineBytes, byte[] bytes, int from, int length) {
        if (lineBytes + length <= KEEP) {
            line.write(bytes, from, length);
        } else {
            line.reset();
        }
        return lineBytes + length;
    }

    private static void flush(ByteArrayOutputStream held, PrintStream log) throws IOException {
        if (held.size() > 0) {
            synchronized (WRITING) {
                held.writeTo(log);
                log.flush();
            }
            held.reset();
        }
    }

    private void keepLine(ByteArrayOutputStream line, long lineBytes) {
        if (lineBytes > KEEP) {
            keep("[a line of " + lineBytes + " bytes]");
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        // as a line reader reads it: without the carriage return of a CRLF
        keep(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
    }

    private synchronized void keep(String line) {
        // a progress bar redraws itself after each carriage return: what it shows last is what counts
        String shown = line.substring(line.lastIndexOf('\r') + 1);
        tail.addLast(shown.length() > TAIL_CHARS ? shown.substring(0, TAIL_CHARS) + "…" : shown);
        if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
        }
        String trimmed = line.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                ChildJson.parse(trimmed);
                lastJsonLine = trimmed;
            } catch (IllegalArgumentException notJson) {
                // an ordinary line that happens to start with a brace
            }
        }
    }
}
