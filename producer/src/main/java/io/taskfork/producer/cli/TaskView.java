package io.taskfork.producer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.producer.task.TaskJson;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code status ID} for a person: the columns of {@link TaskJson}, in its order, one per line, with
 * the times also as ages and a long error cut short. Scripts get the JSON.
 */
final class TaskView {

    private static final int MOST_ERROR_LINES = 12;
    private static final String INDENT = "  ";
    private static final String ABSENT = "-";

    private TaskView() {
    }

    /**
     * Prints {@code task}; {@code log} is its captured output, if any, and {@code now} the clock
     * that ages are measured by.
     */
    static void print(Task task, Optional<String> log, Instant now, PrintStream out) {
        JsonNode json = TaskJson.of(task);
        int width = 0;
        for (Iterator<String> names = json.fieldNames(); names.hasNext();) {
            width = Math.max(width, names.next().length());
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = json.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String pad = " ".repeat(width - field.getKey().length() + INDENT.length());
            // what a task wrote (its error, its progress message) is shown, not acted on by the terminal
            List<String> lines = value(field.getKey(), field.getValue(), task, now).stream()
                    .map(WireFormat::controlsEscaped).toList();
            out.println(field.getKey() + pad + lines.get(0));
            String indent = " ".repeat(width + INDENT.length());
            lines.subList(1, lines.size()).forEach(line -> out.println(indent + line));
        }
        String pad = " ".repeat(width - "log".length() + INDENT.length());
        out.println("log" + pad + log.filter(text -> !text.isEmpty())
                .map(text -> Counted.of(text.lines().count(), "line") + ", " + Counted.of(text.length(), "character")
                        + ": ops/taskfork logs " + task.id())
                .orElse(ABSENT));
    }

    private static List<String> value(String name, JsonNode value, Task task, Instant now) {
        if (value == null || value.isNull()) {
            return List.of(ABSENT);
        }
        return switch (name) {
            case "created_at" -> List.of(value.asText() + " (" + ShortDuration.of(Duration.between(task.createdAt(), now))
                    + " ago)");
            case "started_at" -> List.of(value.asText() + (task.status() != TaskStatus.RUNNING ? ""
                    : " (running for " + ShortDuration.of(Duration.between(task.startedAt(), now)) + ")"));
            case "finished_at" -> List.of(value.asText() + (task.startedAt() == null ? ""
                    : " (ran " + ShortDuration.of(Duration.between(task.startedAt(), task.finishedAt())) + ")"));
            case "progress" -> List.of(value.asText() + "%");
            case "run_at", "expires_at" -> List.of(value.asText() + when(Instant.parse(value.asText()), now));
            case "cpu_seconds", "total_cpu_seconds" -> List.of(Usages.cpu(value.asDouble()));
            case "peak_memory_bytes" -> List.of(Usages.memory(value.asLong()) + " (" + value.asLong() + " bytes)");
            case "error" -> error(value.asText(), task.id());
            default -> List.of(value.isTextual() ? value.asText() : Json.write(value));
        };
    }

    private static String when(Instant time, Instant now) {
        return now.isBefore(time) ? " (in " + ShortDuration.of(Duration.between(now, time)) + ")"
                : " (" + ShortDuration.of(Duration.between(time, now)) + " ago)";
    }

    private static List<String> error(String error, long id) {
        // A stack trace's tabs would jump past the column the value starts in.
        List<String> lines = error.lines().map(line -> line.replace("\t", "    ")).toList();
        if (lines.size() <= MOST_ERROR_LINES) {
            return lines.isEmpty() ? List.of("") : lines;
        }
        List<String> shown = new java.util.ArrayList<>(lines.subList(0, MOST_ERROR_LINES));
        shown.add("… " + (lines.size() - MOST_ERROR_LINES) + " more lines (ops/taskfork status " + id + " --json)");
        return shown;
    }
}
