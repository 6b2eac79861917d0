package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskOptions;
import io.taskfork.shared.task.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * README, "A fresh directory": a task's work directory is removed after the task however it ended,
 * and kept, with what the handler left in it, when TASKFORK_KEEP_WORKDIRS is true; what cannot be
 * removed is moved aside.
 */
class WorkDirectoriesIT {

    @TempDir
    Path workRoot;
    @TempDir
    Path cache;

    @Test
    void theDirectoryOfACrashedTaskIsRemoved() throws Exception {
        try (SupervisorFixture fixture = supervisor(Map.of())) {
            long id = fixture.submit("litter", "{\"then\":\"exit\",\"hold_ms\":1000}");
            Path directory = workRoot.resolve(Long.toString(id));
            awaitTrue(() -> Files.exists(directory.resolve("litter.txt")), "the handler littered " + directory);

            Task task = fixture.awaitTerminal(id);

            assertThat(task.status()).as(task.toString()).isEqualTo(TaskStatus.CRASHED);
            assertThat(task.failureKind()).isEqualTo(FailureKind.EXIT);
            awaitGone(directory);
        }
    }

    @Test
    void theDirectoryOfATimedOutTaskIsRemoved() throws Exception {
        try (SupervisorFixture fixture = supervisor(Map.of("TASKFORK_TASK_TIMEOUT", "2s"))) {
            long id = fixture.submit("litter", "{\"then\":\"hang\"}");
            Path directory = workRoot.resolve(Long.toString(id));
            awaitTrue(() -> Files.exists(directory.resolve("litter.txt")), "the handler littered " + directory);

            Task task = fixture.awaitTerminal(id);

            assertThat(task.failureKind()).as(task.toString()).isEqualTo(FailureKind.TIMEOUT);
            awaitGone(directory);
        }
    }

    @Test
    void keptDirectoriesOutliveTheirTasksWithWhatTheHandlersLeftHoweverTheyEnded() throws Exception {
        try (SupervisorFixture fixture = supervisor(Map.of("TASKFORK_KEEP_WORKDIRS", "true"))) {
            long succeeded = fixture.submit("litter", "{\"then\":\"return\"}");
            long crashed = fixture.submit("litter", "{\"then\":\"exit\"}");

            assertThat(fixture.awaitTerminal(succeeded).status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(fixture.awaitTerminal(crashed).status()).isEqualTo(TaskStatus.CRASHED);
            fixture.awaitEveryMessageAcked();

            assertThat(workRoot.resolve(succeeded + "/litter.txt")).hasContent("left by task " + succeeded);
            assertThat(workRoot.resolve(crashed + "/litter.txt")).hasContent("left by task " + crashed);
        }
    }

    /**
     * What an earlier run of a task left in its folder and the supervisor cannot delete must not
     * keep the task from starting again: that folder is moved aside. As root a mount point cannot
     * be removed; as another user, a folder without write permission.
     */
    @Test
    void whatAnEarlierRunLeftThatCannotBeDeletedIsMovedAsideAndTheTaskRuns() throws Exception {
        try (SupervisorFixture fixture = supervisor(Map.of())) {
            Logger folders = (Logger) LoggerFactory.getLogger("io.taskfork.consumer.supervisor.launch.Folders");
            ListAppender<ILoggingEvent> lines = new ListAppender<>();
            lines.start();
            folders.addAppender(lines);
            long id = fixture.store().create(new NewTask("echo", Json.parse("{}"), null,
                    new TaskOptions(Instant.now().plusSeconds(3), null, null, null))).id();
            Path left = workRoot.resolve(id + "/left");
            boolean mounted = makeUndeletable(left);
            Path aside = null;
            try {
                Task task = fixture.awaitTerminal(id);
                folders.detachAppender(lines);

                assertThat(task.status()).as(task.toString()).isEqualTo(TaskStatus.SUCCEEDED);
                try (Stream<Path> entries = Files.list(workRoot)) {
                    String prefix = ".undeletable-" + id + "-";
                    aside = entries.filter(entry -> entry.getFileName().toString().startsWith(prefix)).findFirst()
                            .orElseThrow(() -> new AssertionError("no folder moved aside"));
                }
                assertThat(aside.resolve("left")).as("what could not be deleted").isDirectory();
                Path moved = aside;
                assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                        .anyMatch(line -> line.startsWith("could not remove " + workRoot.resolve(Long.toString(id)))
                                && line.endsWith("moved it aside to " + moved + ", for its owner to remove"));
            } finally {
                release(aside == null ? left : aside.resolve("left"), mounted);
            }
        }
    }

    /** @return whether it is a mount point (as root), else a folder without write permission */
    private static boolean makeUndeletable(Path folder) throws Exception {
        Files.createDirectories(folder);
        boolean root = "0".equals(run("id", "-u").trim());
        if (root) {
            // root in a container without CAP_SYS_ADMIN can neither mount nor be kept from deleting
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "taskfork-test",
                    folder.toString()).redirectErrorStream(true).start();
            String said = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assumeTrue(mount.waitFor() == 0, "root here may not mount, so nothing is undeletable for it: " + said);
        }
        Files.writeString(folder.resolve("kept"), "by an earlier run");
        if (!root) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        return root;
    }

    private static void release(Path folder, boolean mounted) throws Exception {
        if (mounted) {
            run("umount", folder.toString());
        } else if (Files.exists(folder)) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("%s: %s", String.join(" ", command), output).isZero();
        return output;
    }

    private SupervisorFixture supervisor(Map<String, String> more) throws Exception {
        Map<String, String> variables = new HashMap<>(more);
        variables.put("TASKFORK_WORK_DIR", workRoot.toString());
        variables.put("TASKFORK_CACHE_DIR", cache.toString());
        return SupervisorFixture.start(WorkDirectoriesIT.class, variables);
    }

    private static void awaitGone(Path directory) throws InterruptedException {
        awaitTrue(() -> !Files.exists(directory), directory + " removed");
    }

    private static void awaitTrue(BooleanSupplier condition, String what)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + SupervisorFixture.WITHIN + ": " + what);
            }
            Thread.sleep(20);
        }
    }
}
