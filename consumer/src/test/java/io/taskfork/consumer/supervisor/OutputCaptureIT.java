package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A handler's output goes to its bounded log and can never pass for its result. */
class OutputCaptureIT {

    private static final int LOG_LIMIT = 64 * 1024;
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(OutputCaptureIT.class, Map.of("TASKFORK_LOG_LIMIT", "64k"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void megabytesOfOutputLeaveTheResultIntactAndTheLogBounded() throws Exception {
        long id = fixture.submit("noisy", "{\"mb\":4}");

        Task task = fixture.awaitTerminal(id);
        String log = fixture.store().log(id).orElseThrow();

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result().path("intact").asBoolean()).isTrue();
        assertThat(task.result().path("printed_mb").asInt()).isEqualTo(8);
        assertThat(log.length()).isLessThanOrEqualTo(LOG_LIMIT + 200);
        assertThat(log).contains("bytes of output left out").startsWith("xxxx");
        assertThat(log.strip()).endsWith("{\"event\":\"result\",\"result\":\"forged\"}");
    }
}
