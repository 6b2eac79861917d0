package io.taskfork.consumer.supervisor;

import static io.taskfork.consumer.testing.SupervisorFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A failed attempt runs again after a growing delay, until its attempts run out. */
class RetriesIT {

    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(RetriesIT.class, Map.of(
                "TASKFORK_MAX_ATTEMPTS", "3", "TASKFORK_RETRY_DELAY", "300ms", "TASKFORK_CRASH_RETRIES", "1"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void handlerThatKeepsThrowingRunsMaxAttemptsTimesThenFailsAndIsDeadLetteredOnce() throws Exception {
        long id = fixture.submit("flaky", "{}");

        Task retrying = fixture.awaitStatus(id, TaskStatus.RETRYING);
        Task task = fixture.awaitTerminal(id);
        GetResponse letter = fixture.awaitDeadLetterOf(id);

        assertThat(retrying.failureKind()).isEqualTo(FailureKind.EXCEPTION);
        assertThat(retrying.error()).contains("fails on purpose");
        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.attempts()).isEqualTo(3);
        assertThat(task.error()).contains("attempt 3 fails on purpose");
        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("exception");
        assertThat(fixture.deadLettersOf(id)).isEqualTo(1);
    }

    @Test
    void retriesWaitLongerEachTime() throws Exception {
        long id = fixture.submit("flaky", "{}");

        Instant first = fixture.awaitStatus(id, TaskStatus.RETRYING).startedAt();
        Task task = fixture.awaitTerminal(id);

        // 300 ms then 1200 ms (±20%), plus two child starts: well over the first delay alone
        assertThat(task.startedAt()).isAfter(first.plusMillis(300 + 960));
    }

    @Test
    void taskThatSucceedsOnASecondAttemptSucceeds() throws Exception {
        long id = fixture.submit("flaky", "{\"succeed_on\":2}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.attempts()).isEqualTo(2);
        assertThat(task.result().path("attempt").asInt()).isEqualTo(2);
        assertThat(task.failureKind()).isNull();
        assertThat(task.error()).isNull();
    }

    @Test
    void tasksOwnMaxAttemptsOverridesTheDefault() throws Exception {
        fixture.publish("{\"type\":\"flaky\",\"payload\":{\"own\":1},\"max_attempts\":1}", WireFormat.APPLICATION_JSON);

        long id = fixture.awaitTaskWhere("payload->>'own' = '1'");
        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.attempts()).isEqualTo(1);
    }

    @Test
    void crashRetriesGiveACrashedTaskOneMoreRun() throws Exception {
        long id = fixture.submit("crash", "{\"mode\":\"exit\",\"code\":9}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.EXIT);
        assertThat(task.attempts()).isEqualTo(2);
    }
}
