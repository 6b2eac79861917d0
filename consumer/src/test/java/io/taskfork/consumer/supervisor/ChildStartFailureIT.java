package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.slf4j.LoggerFactory;

/** A task whose child cannot start is not left running under a live supervisor. */
class ChildStartFailureIT {

    @TempDir
    Path temp;

    /**
     * A task whose message came back after each failed start would reach the delivery limit and be
     * dead-lettered once the fault had lasted about ten seconds; a task that waits as a scheduled one
     * burns no delivery. Three failed starts in a row make the third wait four seconds.
     */
    @Test
    void aTaskWhoseChildCannotStartWaitsUncountedAndRunsOnceItCanHoweverLongThatTakes() throws Exception {
        Path workRoot = temp.resolve("work");
        try (SupervisorFixture fixture = SupervisorFixture.start(ChildStartFailureIT.class,
                Map.of("TASKFORK_WORK_DIR", workRoot.toString(), "TASKFORK_CACHE_DIR", temp.resolve("cache").toString()))) {
            Logger execution = (Logger) LoggerFactory.getLogger(TaskExecution.class);
            ListAppender<ILoggingEvent> lines = new ListAppender<>();
            lines.start();
            execution.addAppender(lines);
            // what a cleaner of /tmp, or a full or read-only disk, does to the folder tasks work in
            blockWithAFile(workRoot);
            long id = fixture.submit("echo", "{}");
            fixture.awaitTaskWhere("id = " + id + " and status = 'scheduled' and attempts = 0"
                    + " and run_at > now() + interval '3 seconds'");

            Files.delete(workRoot);

            Task task = fixture.awaitTerminal(id);
            execution.detachAppender(lines);
            assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(task.attempts()).as("the starts that failed did not count").isEqualTo(1);
            assertThat(fixture.deadLettersOf(id)).isZero();
            assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(line -> line.startsWith("task " + id + " echo: no child could start (")
                            && line.endsWith("); it waits 4s as a scheduled task, this attempt not counted"));
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
