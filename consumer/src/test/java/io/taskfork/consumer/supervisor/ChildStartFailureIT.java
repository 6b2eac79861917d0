package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task whose child cannot start is not left running under a live supervisor. */
class ChildStartFailureIT {

    @TempDir
    Path temp;

    /**
     * The fault lasts longer than ten deliveries a second apart would take: a task whose message
     * came back after each failed start would reach the delivery limit and be dead-lettered.
     */
    @Test
    void aTaskWhoseChildCannotStartWaitsUncountedAndRunsOnceItCanHoweverLongThatTakes() throws Exception {
        Path workRoot = temp.resolve("work");
        try (SupervisorFixture fixture = SupervisorFixture.start(ChildStartFailureIT.class,
                Map.of("TASKFORK_WORK_DIR", workRoot.toString(), "TASKFORK_CACHE_DIR", temp.resolve("cache").toString()))) {
            // what a cleaner of /tmp, or a full or read-only disk, does to the folder tasks work in
            blockWithAFile(workRoot);
            long id = fixture.submit("echo", "{}");
            Thread.sleep(12_000);
            Task meanwhile = fixture.store().find(id).orElseThrow();
            assertThat(meanwhile.status()).as("never finished while no child could start")
                    .isIn(TaskStatus.SCHEDULED, TaskStatus.QUEUED, TaskStatus.RUNNING);

            Files.delete(workRoot);

            Task task = fixture.awaitTerminal(id);
            assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(task.attempts()).as("the starts that failed did not count").isEqualTo(1);
            assertThat(fixture.deadLettersOf(id)).isZero();
        }
    }

    /**
     * Puts a file where the folder is. The supervisor may be making a standby child's folder in it
     * meanwhile, and makes the folder again if it is gone: so the folder is moved aside and the
     * file moved in, each in one step, until the file is there.
     */
    private void blockWithAFile(Path folder) throws IOException {
        Path file = Files.writeString(temp.resolve("not-a-folder"), "not a folder");
        for (int tries = 0; !Files.isRegularFile(folder); tries++) {
            assertThat(tries).as("tries to put a file in the folder's place").isLessThan(100);
            if (Files.exists(folder)) {
                Files.move(folder, temp.resolve("aside-" + tries));
            }
            try {
                Files.move(file, folder);
            } catch (FileAlreadyExistsException madeAgain) {
                // the supervisor was quicker: once more
            }
        }
    }
}
