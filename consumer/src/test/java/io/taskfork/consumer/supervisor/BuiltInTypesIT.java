package io.taskfork.consumer.supervisor;

import static io.taskfork.consumer.testing.SupervisorFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each built-in type and each crash mode, through a real supervisor, broker and database. */
class BuiltInTypesIT {

    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(BuiltInTypesIT.class,
                Map.of("TASKFORK_TASK_TIMEOUT", "4s", "TASKFORK_MAX_ATTEMPTS", "1"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    /** Whatever the last test did to its child, the supervisor goes on serving. */
    @AfterEach
    void supervisorStillServesTheNextTask() throws Exception {
        Task next = fixture.awaitTerminal(fixture.submit("echo", "{\"still\":\"here\"}"));
        assertThat(next.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(next.worker()).isEqualTo(fixture.supervisor().worker());
    }

    @Test
    void echoSucceedsWithThePayloadAsResultAndIsAcked() throws Exception {
        long id = fixture.submit("echo", "{\"greeting\":\"hello\",\"n\":[1,2]}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result()).isEqualTo(task.payload());
        assertThat(task.failureKind()).isNull();
        assertThat(task.exitCode()).isZero();
        assertThat(task.attempts()).isEqualTo(1);
        assertThat(task.startedAt()).isNotNull();
        assertThat(task.finishedAt()).isAfterOrEqualTo(task.startedAt());
        fixture.awaitEveryMessageAcked();
    }

    /** The row and the echo hold each number as it was sent: not the nearest double, nor "Infinity". */
    @Test
    void echoKeepsThePayloadsNumbersAsTheyWereSent() throws Exception {
        List<String> numbers = List.of("12345678901234567.89", "1e400", "4.9e-324", "0.5", "2.82879384806159E17");
        long id = fixture.submit("echo", "{\"n\":[" + String.join(",", numbers) + "]}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        for (int i = 0; i < numbers.size(); i++) {
            BigDecimal sent = new BigDecimal(numbers.get(i));
            assertThat(task.payload().path("n").path(i).decimalValue()).as(numbers.get(i)).isEqualByComparingTo(sent);
            assertThat(task.result().path("n").path(i).decimalValue()).as(numbers.get(i)).isEqualByComparingTo(sent);
        }
    }

    @Test
    void sleepSucceedsAfterSleeping() throws Exception {
        Task task = fixture.awaitTerminal(fixture.submit("sleep", "{\"ms\":300}"));

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result().path("slept_ms").asLong()).isEqualTo(300);
    }

    @Test
    void failIsRecordedAsExceptionAndDeadLetteredWithReason() throws Exception {
        long id = fixture.submit("fail", "{\"message\":\"the disk is on fire\"}");

        Task task = fixture.awaitTerminal(id);
        GetResponse letter = fixture.awaitDeadLetterOf(id);

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.EXCEPTION);
        assertThat(task.error()).contains("the disk is on fire")
                .contains("at io.taskfork.consumer.child.handlers.FailHandler");
        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("exception");
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).contains("the disk is on fire").doesNotContain("\n");
    }

    @Test
    void systemExitIsRecordedAsExitWithItsCode() throws Exception {
        assertCrash(fixture.submit("crash", "{\"mode\":\"exit\",\"code\":7}"), FailureKind.EXIT, 7, "exit");
    }

    @Test
    void exitZeroWithoutAResultIsStillACrash() throws Exception {
        assertCrash(fixture.submit("crash", "{\"mode\":\"exit\",\"code\":0}"), FailureKind.EXIT, 0, "exit");
    }

    @Test
    void systemExitWithASignalLikeCodeIsNotMistakenForASignal() throws Exception {
        assertCrash(fixture.submit("crash", "{\"mode\":\"exit\",\"code\":137}"), FailureKind.EXIT, 137, "exit");
    }

    @Test
    void nativeSegfaultIsRecordedAsSignal() throws Exception {
        long id = fixture.submit("crash", "{\"mode\":\"segv\"}");

        Task task = assertCrash(id, FailureKind.SIGNAL, 134, "signal");

        assertThat(task.error()).contains("SIGSEGV");
        assertThat(fixture.store().log(id)).get().asString().contains("JVM fatal error log");
    }

    @Test
    void outOfMemoryIsRecordedAsOom() throws Exception {
        Task task = assertCrash(fixture.submit("crash", "{\"mode\":\"oom\"}"), FailureKind.OOM, 3, "oom");

        assertThat(task.error()).contains("Java heap space").contains("TASKFORK_CHILD_HEAP");
    }

    @Test
    void hangIsKilledAtTheTimeout() throws Exception {
        Task task = assertCrash(fixture.submit("crash", "{\"mode\":\"hang\"}"), FailureKind.TIMEOUT, 137, "timeout");

        assertThat(task.error()).contains("4s").contains("TASKFORK_TASK_TIMEOUT");
        assertThat(task.cpuSeconds()).as("what its JVM had used when it was killed").isNotNull().isPositive();
        assertThat(task.totalCpuSeconds()).isEqualTo(task.cpuSeconds());
    }

    private static Task assertCrash(long id, FailureKind kind, int exitCode, String reason) throws Exception {
        Task task = fixture.awaitTerminal(id);
        GetResponse letter = fixture.awaitDeadLetterOf(id);

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).isEqualTo(kind);
        assertThat(task.exitCode()).isEqualTo(exitCode);
        assertThat(task.result()).isNull();
        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo(reason);
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).isNotBlank();
        fixture.awaitEveryMessageAcked();
        return task;
    }
}
