package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A supervisor that dies after a handler returned, but before the child exited and the outcome was
 * recorded, leaves a running row that holds the result. The next delivery of that task records it
 * succeeded instead of running it a second time.
 */
class ReturnedBeforeDeathIT {

    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(ReturnedBeforeDeathIT.class, Map.of());
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void aTaskWhoseHandlerReturnedBeforeItsSupervisorDiedIsRecordedNotRunAgain() throws Exception {
        long id = leftRunningByADeadSupervisor("{\"returned\": \"before the kill\"}");

        fixture.publish(WireFormat.taskIdBody(id), WireFormat.taskIdProperties(id).build());
        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.attempts()).as("not run again").isEqualTo(1);
        assertThat(task.result()).isEqualTo(Json.parse("{\"returned\": \"before the kill\"}"));
    }

    @Test
    void aTaskWhoseHandlerHadNotReturnedRunsAgain() throws Exception {
        long id = leftRunningByADeadSupervisor(null);

        fixture.publish(WireFormat.taskIdBody(id), WireFormat.taskIdProperties(id).build());
        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.attempts()).isEqualTo(2);
        assertThat(task.result()).isEqualTo(Json.parse("{\"n\": 1}"));
    }

    /** A row as a SIGKILLed supervisor leaves it: running, on a worker with no heartbeat. */
    private static long leftRunningByADeadSupervisor(String result) {
        long id = fixture.store().insert(new NewTask("echo", Json.parse("{\"n\": 1}")));
        fixture.environment().database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set"
                        + " status = 'running', attempts = 1, started_at = now(), worker = 'gone-host/1',"
                        + " result = cast(:result as jsonb) where id = :id")
                .bind("id", id)
                .bind("result", result)
                .execute());
        return id;
    }
}
