package io.taskfork.consumer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Tasks through a supervisor that start the processes of {@link LeftBehind} and then end: the
 * test type {@code leave-behind}, and an {@code exec} of bash (which the supervisor must allow).
 */
public final class LeaveBehindRuns {

    private static final Duration WITHIN_A_SECOND = Duration.ofSeconds(1);

    private LeaveBehindRuns() {
    }

    /**
     * Runs a leave-behind task through {@code fixture} that ends as {@code mode} says (see the
     * handler) once both processes run, its go-file in {@code folder}, and asserts they are gone
     * within a second of its row's terminal status; returns the row.
     */
    public static Task endAfterLeavingBoth(SupervisorFixture fixture, Path folder, String mode) throws Exception {
        String name = LeftBehind.uniqueName();
        Path go = folder.resolve(name + ".go");
        long id = fixture.submit("leave-behind",
                "{\"name\":\"" + name + "\",\"mode\":\"" + mode + "\",\"go\":\"" + go + "\"}", 1);
        LeftBehind.awaitStarted(name);

        Files.createFile(go);
        Task task = fixture.awaitTerminal(id);
        Duration lingered = LeftBehind.awaitGone(name, Instant.now());

        assertThat(lingered).as("background process and daemon alive after the task ended as " + mode)
                .isLessThan(WITHIN_A_SECOND);
        return task;
    }

    /**
     * Cancels an exec task through {@code fixture} once both processes run, and asserts they are
     * gone within {@code within} of the cancel and the task ends cancelled.
     */
    public static void cancelAfterLeavingBoth(SupervisorFixture fixture, Duration within) throws Exception {
        String name = LeftBehind.uniqueName();
        long id = fixture.submit("exec", LeftBehind.execPayload(name, "sleep 300"), 1);
        LeftBehind.awaitStarted(name);

        Instant cancelled = Instant.now();
        assertThat(fixture.store().cancel(id)).contains(TaskStatus.RUNNING);
        Duration lingered = LeftBehind.awaitGone(name, cancelled);

        assertThat(lingered).as("from the cancel until the background process and daemon are gone")
                .isLessThan(within);
        assertThat(fixture.awaitTerminal(id).status()).isEqualTo(TaskStatus.CANCELLED);
    }
}
