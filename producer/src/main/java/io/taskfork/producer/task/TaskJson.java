package io.taskfork.producer.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.Task;
import java.time.Instant;

/** A task row as the JSON object that {@code status} prints: the contract columns, in their order. */
public final class TaskJson {

    private TaskJson() {
    }

    public static ObjectNode of(Task task) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("id", task.id());
        json.put("type", task.type());
        json.set("payload", ShownPayload.of(task.type(), task.payload()));
        json.put("status", task.status().value());
        json.put("attempts", task.attempts());
        json.put("failure_kind", task.failureKind() == null ? null : task.failureKind().value());
        json.put("exit_code", task.exitCode());
        json.set("result", task.result());
        json.put("error", task.error());
        json.put("created_at", iso(task.createdAt()));
        json.put("started_at", iso(task.startedAt()));
        json.put("finished_at", iso(task.finishedAt()));
        json.put("worker", task.worker());
        json.put("progress", task.progress());
        json.put("progress_message", task.progressMessage());
        json.put("cpu_seconds", task.cpuSeconds());
        json.put("peak_memory_bytes", task.peakMemoryBytes());
        json.put("total_cpu_seconds", task.totalCpuSeconds());
        json.put("run_at", iso(task.options().runAt()));
        json.put("expires_at", iso(task.options().expiresAt()));
        json.put("unique_key", task.options().uniqueKey());
        json.put("queue", task.options().queue());
        return json;
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
