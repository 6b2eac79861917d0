package io.taskfork.producer.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskOptions;
import io.taskfork.shared.task.TaskStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskJsonTest {

    private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05.123456Z");

    @Test
    void queuedTaskShowsEveryContractColumnInOrderWithNulls() {
        Task task = new Task(7, "echo", Json.parse("{\"a\":1}"), TaskStatus.QUEUED, 0, null, null, null, null,
                CREATED, null, null, null, null, null, null, null, null, null,
                new TaskOptions(null, null, null, "jobs"));

        JsonNode json = TaskJson.of(task);

        List<String> names = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("id", "type", "payload", "status", "attempts", "failure_kind", "exit_code",
                "result", "error", "created_at", "started_at", "finished_at", "worker", "progress", "progress_message",
                "cpu_seconds", "peak_memory_bytes", "total_cpu_seconds", "run_at", "expires_at", "unique_key", "queue");
        assertThat(Json.write(json)).isEqualTo("{\"id\":7,\"type\":\"echo\",\"payload\":{\"a\":1},\"status\":\"queued\","
                + "\"attempts\":0,\"failure_kind\":null,\"exit_code\":null,\"result\":null,\"error\":null,"
                + "\"created_at\":\"2026-01-02T03:04:05.123456Z\",\"started_at\":null,\"finished_at\":null,"
                + "\"worker\":null,\"progress\":null,\"progress_message\":null,\"cpu_seconds\":null,"
                + "\"peak_memory_bytes\":null,\"total_cpu_seconds\":null,\"run_at\":null,\"expires_at\":null,"
                + "\"unique_key\":null,\"queue\":\"jobs\"}");
    }

    @Test
    void crashedTaskShowsFailureKindExitCodeAndTimes() {
        Task task = new Task(8, "crash", Json.parse("{}"), TaskStatus.CRASHED, 2, FailureKind.SIGNAL, 134,
                Json.parse("{\"r\":true}"), "boom", CREATED, CREATED.plusSeconds(1), CREATED.plusSeconds(2), "host:1",
                40, "halfway", null, 0.25, 52_428_800L, 0.5, TaskOptions.NONE);

        JsonNode json = TaskJson.of(task);

        assertThat(json.get("status").asText()).isEqualTo("crashed");
        assertThat(json.get("failure_kind").asText()).isEqualTo("signal");
        assertThat(json.get("exit_code").asInt()).isEqualTo(134);
        assertThat(json.get("result")).isEqualTo(Json.parse("{\"r\":true}"));
        assertThat(json.get("error").asText()).isEqualTo("boom");
        assertThat(json.get("finished_at").asText()).isEqualTo("2026-01-02T03:04:07.123456Z");
        assertThat(json.get("worker").asText()).isEqualTo("host:1");
        assertThat(json.get("progress").asInt()).isEqualTo(40);
        assertThat(json.get("progress_message").asText()).isEqualTo("halfway");
        assertThat(json.get("cpu_seconds").asDouble()).isEqualTo(0.25);
        assertThat(json.get("peak_memory_bytes").asLong()).isEqualTo(52_428_800L);
        assertThat(json.get("total_cpu_seconds").asDouble()).isEqualTo(0.5);
    }
}
