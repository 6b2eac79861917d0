package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Cancelling a task, and stopping a supervisor that still has children running. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CancelAndDrainIT {

    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(CancelAndDrainIT.class, Map.of());
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    @Order(1)
    void cancelledQueuedTaskNeverRuns() throws Exception {
        long id = fixture.store().insert(new NewTask("echo", Json.parse("{}")));
        assertThat(fixture.store().cancel(id)).contains(TaskStatus.QUEUED);

        fixture.publish(String.valueOf(id), WireFormat.TEXT_PLAIN);
        fixture.awaitEveryMessageAcked();

        Task task = fixture.store().find(id).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(task.attempts()).isZero();
    }

    @Test
    @Order(2)
    void cancelledRunningTaskIsKilledWithinASecondAndItsMessageAcked() throws Exception {
        long id = fixture.submit("sleep", "{\"ms\":60000}");
        fixture.awaitStatus(id, TaskStatus.RUNNING);
        fixture.awaitChildrenRunning(1);

        Instant cancelled = Instant.now();
        fixture.store().cancel(id);
        fixture.awaitChildrenRunning(0);
        Duration took = Duration.between(cancelled, Instant.now());
        fixture.awaitEveryMessageAcked();

        assertThat(took).isLessThan(Duration.ofSeconds(1));
        assertThat(fixture.store().find(id).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    @Order(3)
    void stopAfterTheGraceKillsTheChildAndGivesTheTaskBackAsQueued() throws Exception {
        long id = fixture.submit("sleep", "{\"ms\":60000}");
        fixture.awaitStatus(id, TaskStatus.RUNNING);
        fixture.awaitChildrenRunning(1);

        fixture.supervisor().stop(Duration.ofSeconds(1));

        Task task = fixture.store().find(id).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(task.attempts()).isZero();
        assertThat(fixture.mainQueueMessages()).as("its message is back in the queue").isEqualTo(1);
        assertThat(fixture.supervisor().childrenRunning()).isZero();
    }
}
