package io.taskfork.consumer.child.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.consumer.child.ChildJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * One output stream of an external command, copied line by line into the task's log as it comes,
 * with its last lines and last JSON line kept.
 */
final class CommandOutput {

    private static final int TAIL_LINES = 20;
    private static final int MESSAGE_TAIL_LINES = 5;

    private final Deque<String> tail = new ArrayDeque<>();
    private final Thread reader;
    private String lastJsonLine;

    private CommandOutput(InputStream stream, PrintStream log, String name) {
        this.reader = new Thread(() -> copy(stream, log), "exec-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static CommandOutput forward(InputStream stream, PrintStream log, String name) {
        return new CommandOutput(stream, log, name);
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
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                log.println(line);
                keep(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void keep(String line) {
        tail.addLast(line);
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
