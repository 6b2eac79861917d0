package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task whose child cannot start is not left running under a live supervisor. */
class ChildStartFailureIT {

    @TempDir
    Path temp;

    @Test
    void aTaskWhoseChildCannotStartIsQueuedAgainUncountedAndRunsOnceItCan() throws Exception {
        Path workRoot = temp.resolve("work");
        try (SupervisorFixture fixture = SupervisorFixture.start(ChildStartFailureIT.class,
                Map.of("TASKFORK_WORK_DIR", workRoot.toString(), "TASKFORK_CACHE_DIR", temp.resolve("cache").toString()))) {
            // what a cleaner of /tmp, or a full or read-only disk, does to the folder tasks work in
            deleteTree(workRoot);
            Files.writeString(workRoot, "not a folder");
            long id = fixture.submit("echo", "{}");
            Thread.sleep(3000);
            Task meanwhile = fixture.store().find(id).orElseThrow();
            assertThat(meanwhile.status()).as("never finished while no child could start").isIn(TaskStatus.QUEUED,
                    TaskStatus.RUNNING);

            Files.delete(workRoot);

            Task task = fixture.awaitTerminal(id);
            assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(task.attempts()).as("the starts that failed did not count").isEqualTo(1);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
