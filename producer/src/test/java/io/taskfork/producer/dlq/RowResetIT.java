package io.taskfork.producer.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskfork.producer.queue.QueueException;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replay's reset is committed before its ID is published: a supervisor that receives the ID at
 * once must find the row queued, not the crash it is replacing. A failed publish puts the row back.
 */
class RowResetIT {

    private static IsolatedEnvironment environment;
    private static TaskStore store;
    private static RowReset reset;

    @BeforeAll
    static void createEnvironment() {
        environment = IsolatedEnvironment.create(RowResetIT.class);
        store = new TaskStore(environment.database());
        reset = new RowReset(environment.database(), RowReset.Rules.REPLAY);
    }

    @AfterAll
    static void dropEnvironment() throws Exception {
        environment.close();
    }

    @Test
    void anotherConnectionSeesTheRowQueuedWhileTheIdIsPublished() {
        long id = crashedTask();
        AtomicReference<Map<String, Object>> seenDuringPublish = new AtomicReference<>();

        RowReset.Outcome outcome = reset.reset(id, () -> seenDuringPublish.set(rowFromAnotherConnection(id)));

        assertThat(outcome).isEqualTo(new RowReset.Outcome.Reset(TaskStatus.CRASHED));
        assertThat(seenDuringPublish.get()).containsEntry("status", "queued").containsEntry("attempts", 0)
                .containsEntry("published", false);
        assertThat(rowFromAnotherConnection(id)).containsEntry("published", true);
    }

    @Test
    void aFailedPublishPutsTheRowBackAsItWas() {
        long id = crashedTask();
        Task before = store.find(id).orElseThrow();

        assertThatThrownBy(() -> reset.reset(id, () -> {
            throw new QueueException("the broker refused a message");
        })).isInstanceOf(QueueException.class).hasMessageContaining("refused");

        Task after = store.find(id).orElseThrow();
        assertThat(after).usingRecursiveComparison().isEqualTo(before);
        assertThat(rowFromAnotherConnection(id)).containsEntry("published", true);
    }

    @Test
    void aRowASupervisorTookDuringAFailedPublishIsLeftRunning() {
        long id = crashedTask();

        RowReset.Outcome outcome = reset.reset(id, () -> {
            store.attempts().claim(id, "elsewhere/1", java.time.Duration.ofMinutes(5));
            throw new QueueException("the broker refused a message");
        });

        assertThat(outcome).isEqualTo(new RowReset.Outcome.Reset(TaskStatus.CRASHED));
        assertThat(store.find(id).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
    }

    @Test
    void aSucceededTaskIsRefusedAndNothingIsPublished() {
        long id = store.insert(new NewTask("echo", Json.parse("{}")));
        environment.database().jdbi().useHandle(handle -> handle.createUpdate(
                "update tasks set status = 'succeeded', attempts = 1, finished_at = now() where id = :id")
                .bind("id", id).execute());

        RowReset.Outcome outcome = reset.reset(id, () -> {
            throw new AssertionError("published a refused task");
        });

        assertThat(outcome).isInstanceOf(RowReset.Outcome.Refused.class);
        assertThat(store.find(id).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void aTaskThatStartedKeepsNoExpiryPastWhichItsReplayWouldNeverRun() {
        long ran = crashedTask();
        long waiting = store.insert(new NewTask("echo", Json.parse("{}")));
        environment.database().jdbi().useHandle(handle -> handle.createUpdate(
                "update tasks set expires_at = now() + interval '1 hour' where id in (:ran, :waiting)")
                .bind("ran", ran).bind("waiting", waiting).execute());

        reset.reset(ran, () -> { });
        reset.reset(waiting, () -> { });

        assertThat(store.find(ran).orElseThrow().options().expiresAt()).as("it ran once").isNull();
        assertThat(store.find(waiting).orElseThrow().options().expiresAt()).as("it never started").isNotNull();
    }

    private static long crashedTask() {
        long id = store.insert(new NewTask("crash", Json.parse("{\"mode\": \"exit\"}")));
        environment.database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set status = 'crashed',"
                        + " attempts = 1, failure_kind = 'exit', exit_code = 7, error = 'called System.exit(7)',"
                        + " log = 'out', started_at = now(), finished_at = now(), worker = 'gone/1',"
                        + " dead_lettered_at = now(), published_at = now() where id = :id")
                .bind("id", id)
                .execute());
        return id;
    }

    /** The row as a connection outside the reset's transaction sees it: only what is committed. */
    private static Map<String, Object> rowFromAnotherConnection(long id) {
        return environment.database().jdbi().withHandle(handle -> handle
                .createQuery("select status, attempts, published_at is not null as published from tasks where id = :id")
                .bind("id", id)
                .mapToMap()
                .one());
    }
}
