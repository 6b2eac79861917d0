package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.supervisor.launch.EndedTaskFolders;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.TaskOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "A fresh directory": the folders a killed supervisor's tasks left, of tasks that have
 * ended since, are removed by the next supervisor to start on the host; no other folder is.
 */
class EndedTaskFoldersIT {

    @TempDir
    static Path workRoot;
    @TempDir
    static Path cache;
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(EndedTaskFoldersIT.class,
                Map.of("TASKFORK_WORK_DIR", workRoot.toString(), "TASKFORK_CACHE_DIR", cache.toString()));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void theNextSupervisorToStartRemovesTheFoldersOfTasksThatHaveEndedAndNoOther() throws Exception {
        long cancelled = waitingTask();
        fixture.store().cancel(cancelled);
        long waiting = waitingTask();
        // as a supervisor killed while these ran leaves them
        Path ended = leftFolder(Long.toString(cancelled));
        Path toRunAgain = leftFolder(Long.toString(waiting));
        Path noRow = leftFolder("987654321");
        Path notATask = leftFolder("notes");

        Map<String, String> variables = new HashMap<>(fixture.environment().environment());
        // no standby children: the first supervisor, of the same PID, names its own in this folder
        variables.put("TASKFORK_STANDBY", "false");
        Supervisor next = new Supervisor(Settings.load(variables, Map.of())).start();
        try {
            assertThat(ended).doesNotExist();
            assertThat(toRunAgain.resolve("left.txt")).as("a task that will run again clears it itself").exists();
            assertThat(noRow).as("not a task of this database").isDirectory();
            assertThat(notATask).isDirectory();
        } finally {
            next.stop(Duration.ofSeconds(5));
        }
    }

    /**
     * A replay of an ended task while its folder is removed waits until the folder is gone: the run
     * it starts finds the path free, never a folder taken from under it.
     */
    @Test
    void aReplayWhileTheFoldersAreRemovedWaitsUntilTheyAreGone() throws Exception {
        long id = waitingTask();
        fixture.store().cancel(id);
        Path folder = leftFolder(Long.toString(id));
        AtomicReference<CompletableFuture<Integer>> replay = new AtomicReference<>();

        int removed = EndedTaskFolders.sweep(workRoot, (ids, work) -> fixture.store().whileEnded(ids, ended -> {
            // as dlq replay puts the row back, on a connection of its own
            replay.set(CompletableFuture.supplyAsync(() -> fixture.environment().database().jdbi().withHandle(
                    handle -> handle.execute("update tasks set status = 'queued', finished_at = null where id = ?",
                            id))));
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(replay.get()).as("the replay waits for the removal").isNotDone();
            work.accept(ended);
        }));

        assertThat(removed).isEqualTo(1);
        assertThat(folder).doesNotExist();
        assertThat(replay.get().get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }

    private static long waitingTask() {
        return fixture.store().create(new NewTask("echo", Json.parse("{}"), null,
                new TaskOptions(Instant.now().plus(Duration.ofHours(1)), null, null, null))).id();
    }

    private static Path leftFolder(String name) throws Exception {
        Path folder = Files.createDirectories(workRoot.resolve(name).resolve("inner"));
        Files.writeString(workRoot.resolve(name).resolve("left.txt"), "left by a run");
        return folder.getParent();
    }
}
