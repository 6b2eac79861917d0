package io.taskfork.consumer.testing;

import io.taskfork.shared.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Tasks of the test type {@code leave-behind} through a supervisor: each starts the processes of
 * {@link LeftBehind} and ends as asked once both run.
 */
public final class LeaveBehindRuns {

    /** The row of a task that has ended, and how long its processes outlived that end. */
    public record Ended(Task task, Duration lingered) {
    }

    private LeaveBehindRuns() {
    }

    /**
     * Runs a leave-behind task through {@code fixture} that ends as {@code mode} says (see the
     * handler) once both processes run, its go-file in {@code folder}; waits until both are gone.
     */
    public static Ended endAfterLeavingBoth(SupervisorFixture fixture, Path folder, String mode) throws Exception {
        String name = LeftBehind.uniqueName();
        Path go = folder.resolve(name + ".go");
        long id = fixture.submit("leave-behind",
                "{\"name\":\"" + name + "\",\"mode\":\"" + mode + "\",\"go\":\"" + go + "\"}", 1);
        LeftBehind.awaitStarted(name);

        Files.createFile(go);
        Task task = fixture.awaitTerminal(id);
        return new Ended(task, LeftBehind.awaitGone(name, Instant.now()));
    }
}
