package io.taskfork.shared.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskOutcome;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.task.Usage;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a supervisor keeps of an attempt that was cancelled while it ran, once its child is gone, and
 * what all the attempts cost.
 */
class CancelledAttemptsIT {

    private static final Duration LIVE = Duration.ofHours(1);
    private static final Usage USED = Usage.of(1_500, 64L << 20);

    private static IsolatedEnvironment env;
    private static TaskStore store;

    @BeforeAll
    static void openStore() {
        env = IsolatedEnvironment.create(CancelledAttemptsIT.class);
        store = new TaskStore(env.database());
        new Workers(env.database()).beat("host-a/1");
    }

    @AfterAll
    static void closeEnvironment() throws Exception {
        env.close();
    }

    @Test
    void theAttemptsLogExitCodeAndFiguresAreKeptAndASecondTryAddsNoCpu() {
        long id = cancelledWhileRunning();

        assertThat(store.attempts().cancelled(id, 1, 137, "up to the kill", USED)).isTrue();
        assertThat(store.attempts().cancelled(id, 1, 137, "up to the kill", USED)).isFalse();

        Task task = store.find(id).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(task.exitCode()).isEqualTo(137);
        assertThat(task.cpuSeconds()).isEqualTo(1.5);
        assertThat(task.totalCpuSeconds()).isEqualTo(1.5);
        assertThat(task.peakMemoryBytes()).isEqualTo(64L << 20);
        assertThat(store.log(id)).contains("up to the kill");
    }

    @Test
    void anotherAttemptsFiguresAndARowNotCancelledAreLeftAlone() {
        long cancelled = cancelledWhileRunning();
        long running = store.insert(new NewTask("echo", Json.parse("{}")));
        store.attempts().claim(running, "host-a/1", LIVE).orElseThrow();

        assertThat(store.attempts().cancelled(cancelled, 2, 137, "a later attempt's", USED)).isFalse();
        assertThat(store.attempts().cancelled(running, 1, 137, "still running", USED)).isFalse();

        assertThat(store.find(cancelled).orElseThrow().cpuSeconds()).isNull();
        assertThat(store.find(running).orElseThrow().exitCode()).isNull();
        assertThat(store.find(running).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
    }

    @Test
    void theTotalOfEveryAttemptsCpuIsKeptToTheMillisecond() {
        long id = store.insert(new NewTask("echo", Json.parse("{}")));
        store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();
        store.attempts().retry(id, 1, new TaskOutcome(TaskStatus.FAILED, FailureKind.EXCEPTION, 0, null, "boom",
                ""), Usage.of(100, -1), Duration.ZERO);
        store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();
        store.cancel(id);

        store.attempts().cancelled(id, 2, 137, "", Usage.of(200, -1));

        assertThat(store.find(id).orElseThrow().totalCpuSeconds()).isEqualTo(0.3);
    }

    private static long cancelledWhileRunning() {
        long id = store.insert(new NewTask("echo", Json.parse("{}")));
        store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();
        store.cancel(id);
        return id;
    }
}
