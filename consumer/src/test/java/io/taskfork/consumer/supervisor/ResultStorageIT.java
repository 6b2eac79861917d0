package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README, "Write your own handler" and "External commands": a result is stored as it was returned,
 * or the task fails saying why; PostgreSQL cannot hold a NUL or half a surrogate pair as it is.
 */
class ResultStorageIT {

    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        // Retries are on, so that a failure that was retried would show in the attempts.
        fixture = SupervisorFixture.start(ResultStorageIT.class, Map.of(
                "TASKFORK_MAX_ATTEMPTS", "3",
                "TASKFORK_RETRY_DELAY", "100ms",
                "TASKFORK_EXEC_ALLOW", "printf"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void aResultPostgresCannotStoreAsItIsFailsAtOnceAndNothingIsChangedUnsaid() throws Exception {
        // printf turns two backslashes into one: the command prints the JSON escapes of a NUL and of half a pair
        Task nul = fixture.awaitTerminal(fixture.submit("exec", "{\"argv\":[\"printf\","
                + "\"{\\\"a\\\\\\\\u0000\\\":1,\\\"a\\\":2}\\\\n\"],\"result\":\"last-json-line\"}"));
        Task surrogate = fixture.awaitTerminal(fixture.submit("exec",
                "{\"argv\":[\"printf\",\"{\\\"a\\\":\\\"x\\\\\\\\ud800y\\\"}\\\\n\"],\"result\":\"last-json-line\"}"));
        Task plain = fixture.awaitTerminal(fixture.submit("exec",
                "{\"argv\":[\"printf\",\"{\\\"a\\\":\\\"x\\\\\\\\u00e9y\\\"}\\\\n\"],\"result\":\"last-json-line\"}"));

        assertThat(nul.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(nul.result()).as("no key merged into another").isNull();
        assertThat(nul.attempts()).as("not retried: the command prints the same next time").isEqualTo(1);
        assertThat(nul.error()).startsWith("the handler's result cannot be stored as it is: it holds a NUL"
                + " character (\\u0000), which PostgreSQL cannot store");
        assertThat(surrogate.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(surrogate.result()).as("not stored with a ? in its place").isNull();
        assertThat(surrogate.attempts()).isEqualTo(1);
        assertThat(surrogate.error()).contains("half of a UTF-16 surrogate pair (\\ud800)");
        assertThat(plain.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(plain.result().path("a").asText()).isEqualTo("x\u00e9y");
    }
}
