package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A producer that died between the insert and the confirm leaves a queued row; the sweeper publishes it. */
class OutboxIT {

    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(OutboxIT.class, Map.of("TASKFORK_OUTBOX_AGE", "1s"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void queuedRowWhoseMessageWasNeverConfirmedIsPublishedAgainAndRuns() throws Exception {
        long id = fixture.store().insert(new NewTask("echo", Json.parse("{\"orphan\":true}")));

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.attempts()).isEqualTo(1);
    }

    @Test
    void queuedRowWhoseMessageWasConfirmedIsLeftToItsMessage() throws Exception {
        long id = fixture.store().insert(new NewTask("echo", Json.parse("{\"published\":true}")));
        fixture.store().outbox().markPublished(List.of(id));
        long sweptOrphan = fixture.store().insert(new NewTask("echo", Json.parse("{}")));

        fixture.awaitTerminal(sweptOrphan);
        fixture.awaitTerminal(fixture.store().insert(new NewTask("echo", Json.parse("{}"))));

        assertThat(fixture.store().find(id).orElseThrow().status())
                .as("two sweeps later, still waiting for its own message").isEqualTo(TaskStatus.QUEUED);
    }
}
