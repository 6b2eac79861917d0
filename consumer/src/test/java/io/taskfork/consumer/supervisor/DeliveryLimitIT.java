package io.taskfork.consumer.supervisor;

import static io.taskfork.consumer.testing.SupervisorFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What becomes of a task's row when its message reaches the delivery limit: a row that waits to run,
 * or that a dead supervisor left running, ends failed as delivery-limit before its message goes
 * dead; a run on a live supervisor is left to finish.
 */
class DeliveryLimitIT {

    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(DeliveryLimitIT.class, Map.of());
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void aTaskLeftRunningByADeadSupervisorEndsFailedWhenItsMessageIsDeadLetteredAtTheLimit() throws Exception {
        // as after its supervisor was SIGKILLed while it ran, nine times in a row
        long id = fixture.store().insert(new NewTask("sleep", Json.parse("{\"ms\": 15000}")));
        sql("update tasks set status = 'running', attempts = 9, worker = 'gone/1', started_at = now(),"
                + " published_at = now() where id = " + id);

        publishAtTheLimit(id);
        GetResponse letter = fixture.awaitDeadLetterOf(id);
        Task ended = fixture.awaitTerminal(id);

        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("delivery-limit");
        assertThat(ended.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.failureKind()).isEqualTo(FailureKind.DELIVERY_LIMIT);
        assertThat(ended.error()).isEqualTo(header(letter, WireFormat.DETAIL_HEADER)).contains("delivered 10 times");
        assertThat(ended.attempts()).as("not run again").isEqualTo(9);
        // the mark follows the broker's confirm of the dead letter, so it may come a moment after the letter is seen
        fixture.awaitTaskWhere("id = " + id + " and dead_lettered_at is not null");
        assertThat(fixture.store().attempts().lacksDeadLetter(id)).as("its dead letter is recorded").isFalse();
    }

    @Test
    void aQueuedTaskEndsFailedWhenItsMessageIsDeadLetteredAtTheLimit() throws Exception {
        long id = fixture.store().insert(new NewTask("echo", Json.parse("{}")));

        publishAtTheLimit(id);
        fixture.awaitDeadLetterOf(id);
        Task ended = fixture.awaitTerminal(id);

        assertThat(ended.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.failureKind()).isEqualTo(FailureKind.DELIVERY_LIMIT);
        assertThat(ended.attempts()).as("never run").isZero();
    }

    @Test
    void aTaskRunningOnALiveSupervisorRunsOnWhenACopyOfItsMessageIsDeadLetteredAtTheLimit() throws Exception {
        long id = fixture.submit("sleep", "{\"ms\": 3000}");
        fixture.awaitStatus(id, TaskStatus.RUNNING);

        publishAtTheLimit(id);
        fixture.awaitDeadLetterOf(id);

        assertThat(fixture.store().find(id).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(fixture.awaitTerminal(id).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    /** A copy whose prior deliveries make this one the tenth, as an audit puts back a worn message. */
    private static void publishAtTheLimit(long id) throws Exception {
        fixture.publish(WireFormat.taskIdBody(id), new AMQP.BasicProperties.Builder().contentType(WireFormat.TEXT_PLAIN)
                .deliveryMode(2).headers(Map.of(WireFormat.PRIOR_DELIVERIES_HEADER, 9)).build());
    }

    private static void sql(String statement) {
        fixture.environment().database().jdbi().useHandle(handle -> handle.execute(statement));
    }
}
