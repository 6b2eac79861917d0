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
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
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
            assertThat(asideFolders()).isZero();
        } finally {
            next.stop(Duration.ofSeconds(5));
        }
    }

    /** A task replayed between the look at its row and the removal keeps the folder it may run in. */
    @Test
    void aTaskThatRunsAgainBeforeItsFolderIsRemovedGetsTheFolderBack() throws Exception {
        long id = waitingTask();
        fixture.store().cancel(id);
        Path folder = leftFolder(Long.toString(id));
        AtomicBoolean replayed = new AtomicBoolean();

        int removed = EndedTaskFolders.sweep(workRoot, ids -> {
            Set<Long> ended = fixture.store().endedAmong(ids);
            if (replayed.compareAndSet(false, true)) {
                // as dlq replay puts a row back; the folder is moved aside after this answer
                fixture.environment().database().jdbi().useHandle(handle -> handle.execute(
                        "update tasks set status = 'queued', finished_at = null where id = ?", id));
            }
            return ended;
        });

        assertThat(removed).isZero();
        assertThat(folder.resolve("left.txt")).exists();
        assertThat(asideFolders()).isZero();
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

    private static long asideFolders() throws Exception {
        try (Stream<Path> entries = Files.list(workRoot)) {
            return entries.filter(entry -> entry.getFileName().toString().startsWith(".ended-")).count();
        }
    }
}
