package io.taskfork.producer.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.TaskStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** {@code status} without an ID: the counts by status, then the newest tasks, as tables or as JSON. */
final class OverviewView {

    private static final int TYPE_CHARS = 20;
    private static final int WORKER_CHARS = 24;
    private static final int FAILURE_CHARS = 72;
    // "io.taskfork.consumer.child.handlers.FailHandler$TaskFailedOnPurpose: ..." starts with its package
    private static final Pattern QUALIFIED_CLASS = Pattern.compile("^(?:[a-z_][\\w]*\\.)+(?=[A-Z][\\w$]*(?::|$))");

    private OverviewView() {
    }

    static void print(TaskOverview overview, PrintStream out) {
        List<String> statuses = new ArrayList<>();
        List<String> counts = new ArrayList<>();
        overview.counts().forEach((status, count) -> {
            statuses.add(status.value() + ">");
            counts.add(Long.toString(count));
        });
        statuses.add("total>");
        counts.add(Long.toString(overview.total()));
        new TextTable(statuses.toArray(String[]::new)).add(counts).print(out);
        out.println();
        if (overview.newest().isEmpty()) {
            out.println("no tasks");
            return;
        }
        out.println("newest " + overview.newest().size() + " of " + overview.total() + ":");
        TextTable tasks = new TextTable("ID>", "TYPE", "STATUS", "ATTEMPTS>", "PROGRESS>", "AGE>", "DURATION>",
                "CPU>", "PEAK>", "WORKER", "FAILURE");
        for (TaskOverview.Row row : overview.newest()) {
            tasks.add(List.of(Long.toString(row.id()), TextTable.cut(row.type(), TYPE_CHARS), row.status().value(),
                    Integer.toString(row.attempts()), row.progress() == null ? "-" : row.progress() + "%",
                    ShortDuration.of(Duration.between(row.createdAt(), overview.now())),
                    duration(row, overview.now()), Usages.cpu(row.cpuSeconds()), Usages.memory(row.peakMemoryBytes()),
                    TextTable.cut(row.worker(), WORKER_CHARS),
                    TextTable.cut(failure(row), FAILURE_CHARS)));
        }
        tasks.print(out);
    }

    static ObjectNode json(TaskOverview overview) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        ObjectNode counts = json.putObject("counts");
        overview.counts().forEach((status, count) -> counts.put(status.value(), count));
        json.put("total", overview.total());
        ArrayNode tasks = json.putArray("tasks");
        for (TaskOverview.Row row : overview.newest()) {
            ObjectNode task = tasks.addObject();
            task.put("id", row.id());
            task.put("type", row.type());
            task.put("status", row.status().value());
            task.put("attempts", row.attempts());
            task.put("progress", row.progress());
            task.put("failure_kind", row.failureKind() == null ? null : row.failureKind().value());
            task.put("exit_code", row.exitCode());
            task.put("error", row.error());
            task.put("created_at", iso(row.createdAt()));
            task.put("started_at", iso(row.startedAt()));
            task.put("finished_at", iso(row.finishedAt()));
            task.put("worker", row.worker());
            task.put("cpu_seconds", row.cpuSeconds());
            task.put("peak_memory_bytes", row.peakMemoryBytes());
        }
        return json;
    }

    /** How long its last attempt ran, or has run so far; "-" when none runs or ran. */
    private static String duration(TaskOverview.Row row, Instant now) {
        Instant end = row.finishedAt() != null ? row.finishedAt() : row.status() == TaskStatus.RUNNING ? now : null;
        return row.startedAt() == null || end == null ? "-" : ShortDuration.of(Duration.between(row.startedAt(), end));
    }

    /** The failure kind, the exit code of a child that died, and the error's first line with its class's package left out. */
    private static String failure(TaskOverview.Row row) {
        String error = row.error() == null ? null : QUALIFIED_CLASS.matcher(row.error()).replaceFirst("");
        if (row.failureKind() == null) {
            return error;
        }
        boolean died = row.status() == TaskStatus.CRASHED && row.exitCode() != null;
        String kind = row.failureKind().value() + (died ? " (" + row.exitCode() + ")" : "");
        return error == null || error.isBlank() ? kind : kind + ": " + error;
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
