package io.taskfork.consumer;

import static io.taskfork.consumer.testing.PackagedConsumer.WITHIN;
import static io.taskfork.consumer.testing.PackagedConsumer.awaitEnded;
import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static io.taskfork.consumer.testing.PackagedConsumer.children;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static io.taskfork.consumer.testing.PackagedConsumer.start;
import static io.taskfork.consumer.testing.PackagedConsumer.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.PackagedConsumer;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the packaged consumer starts its children: standby children, and the class-data-sharing archive. */
class ChildStartIT {

    private static final int PREFETCH = 2;
    @TempDir
    static Path folder;
    private static IsolatedEnvironment environment;

    @BeforeAll
    static void createEnvironment() {
        environment = IsolatedEnvironment.create(ChildStartIT.class);
    }

    @AfterAll
    static void dropEnvironment() throws Exception {
        environment.close();
    }

    @Test
    void standbyChildrenWaitForTasksRunOneEachAndAreAllGoneAfterSigterm() throws Exception {
        Path workRoot = Files.createTempDirectory(folder, "work");
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(variables(Map.of("TASKFORK_WORK_DIR", workRoot.toString())), log);
        try {
            awaitTrue(() -> children(consumer).size() == PREFETCH, "as many standby children as the prefetch");
            List<ProcessHandle> waiting = children(consumer);

            Task task = awaitEnded(environment, submit(environment, "echo", "{\"n\":1}"));

            assertThat(task.status()).as(read(log)).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(waiting.stream().filter(PackagedConsumer::isRunning)).as("one of them ran the task and exited")
                    .hasSize(PREFETCH - 1);
            awaitTrue(() -> children(consumer).size() == PREFETCH, "the standby children made up again");
            List<ProcessHandle> before = children(consumer);

            consumer.destroy();

            assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(consumer.exitValue()).as(read(log)).isZero();
            awaitTrue(() -> before.stream().noneMatch(PackagedConsumer::isRunning), "standby children gone");
            try (Stream<Path> left = Files.list(workRoot)) {
                // but the file that says whose folder it is
                assertThat(left.map(path -> path.getFileName().toString())).as("nothing left in the work root")
                        .containsExactly(".taskfork-owner");
            }
        } finally {
            consumer.destroyForcibly();
        }
    }

    @Test
    void whatAKilledSupervisorLeftIsRemovedByTheNextOneToStart() throws Exception {
        Path workRoot = Files.createTempDirectory(folder, "work");
        Map<String, String> variables = variables(Map.of("TASKFORK_WORK_DIR", workRoot.toString()));
        Path firstLog = Files.createTempFile(folder, "consumer", ".log");
        Process first = start(variables, firstLog);
        awaitTrue(() -> children(first).size() == PREFETCH, "standby children");
        List<ProcessHandle> orphans = children(first);
        first.destroyForcibly();
        first.waitFor();
        awaitTrue(() -> orphans.stream().noneMatch(PackagedConsumer::isRunning), "its children gone");
        assertThat(standbyFolders(workRoot)).as("left by the killed supervisor").hasSize(PREFETCH);
        // as a standby folder that took a task leaves its old name, once the task's folder is gone
        Files.createSymbolicLink(workRoot.resolve(".standby-" + first.pid() + "-99"), workRoot.resolve("424242"));
        Path privateFolder = Path.of("/tmp", "taskfork-" + first.pid() + "-");
        assertThat(Files.list(Path.of("/tmp")).anyMatch(path -> path.toString().startsWith(privateFolder.toString())))
                .isTrue();

        Path secondLog = Files.createTempFile(folder, "consumer", ".log");
        Process second = start(variables, secondLog);
        try {
            awaitTrue(() -> children(second).size() == PREFETCH, "standby children");

            assertThat(read(secondLog))
                    .containsPattern("removed (1 folder|\\d+ folders) left by supervisors that were killed");
            assertThat(standbyFolders(workRoot)).hasSize(PREFETCH)
                    .allSatisfy(folder -> assertThat(folder.getFileName().toString())
                            .startsWith(".standby-" + second.pid() + "-"));
            assertThat(Files.list(Path.of("/tmp"))
                    .noneMatch(path -> path.toString().startsWith(privateFolder.toString()))).isTrue();
        } finally {
            second.destroy();
            second.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static List<Path> standbyFolders(Path workRoot) throws Exception {
        try (Stream<Path> entries = Files.list(workRoot)) {
            return entries.filter(path -> path.getFileName().toString().startsWith(".standby-")).toList();
        }
    }

    @Test
    void withoutStandbyNoChildWaitsAndTasksStillRun() throws Exception {
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(variables(Map.of("TASKFORK_STANDBY", "false")), log);
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
            Thread.sleep(500);
            assertThat(children(consumer)).isEmpty();

            assertThat(awaitEnded(environment, submit(environment, "echo", "{}")).status()).as(read(log))
                    .isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(children(consumer)).isEmpty();
        } finally {
            consumer.destroyForcibly();
        }
    }

    @Test
    void theArchiveIsWrittenAtFirstStartUsedAfterAndWrittenAgainWhenDamaged() throws Exception {
        Path cache = Files.createTempDirectory(folder, "cache");
        Map<String, String> variables = variables(Map.of("TASKFORK_CACHE_DIR", cache.toString()));

        String first = runOneTask(variables);
        Path archive = onlyFileIn(cache);
        String second = runOneTask(variables);
        // Cut in half, the archive would crash every JVM that maps it.
        try (FileChannel file = FileChannel.open(archive, StandardOpenOption.WRITE)) {
            file.truncate(file.size() / 2);
        }
        String third = runOneTask(variables);

        assertThat(first).contains("archived the children's classes in " + archive);
        assertThat(second).doesNotContain("archived the children's classes").doesNotContain("damaged");
        assertThat(third).contains("archive " + archive + " is damaged or stale: writing it again")
                .contains("archived the children's classes in " + archive);
        assertThat(onlyFileIn(cache)).isEqualTo(archive);
    }

    @Test
    void aCacheFolderThatCannotBeWrittenOnlyCostsTheArchive() throws Exception {
        Path notAFolder = Files.createTempFile(folder, "cache", ".file");
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(variables(Map.of("TASKFORK_CACHE_DIR", notAFolder.resolve("cache").toString())), log);
        try {
            awaitTrue(() -> children(consumer).size() == PREFETCH, "standby children");

            assertThat(awaitEnded(environment, submit(environment, "echo", "{}")).status()).as(read(log))
                    .isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(read(log)).contains("children start without a class-data-sharing archive: cannot write one in "
                    + notAFolder.resolve("cache"));
        } finally {
            consumer.destroyForcibly();
        }
    }

    /** Starts a consumer, runs one echo task, checks the children map the archive, stops; returns the log. */
    private static String runOneTask(Map<String, String> variables) throws Exception {
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(variables, log);
        try {
            awaitTrue(() -> children(consumer).size() == PREFETCH, "standby children");
            assertThat(children(consumer)).allSatisfy(child -> assertThat(child.info().commandLine().orElseThrow())
                    .contains("-XX:SharedArchiveFile=" + variables.get("TASKFORK_CACHE_DIR")));
            assertThat(awaitEnded(environment, submit(environment, "echo", "{\"n\":2}")).status()).as(read(log))
                    .isEqualTo(TaskStatus.SUCCEEDED);
            consumer.destroy();
            assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
            return read(log);
        } finally {
            consumer.destroyForcibly();
        }
    }

    private static Path onlyFileIn(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    private static Map<String, String> variables(Map<String, String> more) {
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_PREFETCH", Integer.toString(PREFETCH));
        variables.put("TASKFORK_METRICS_PORT", "0");
        variables.putAll(more);
        return variables;
    }
}
