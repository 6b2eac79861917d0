package io.taskfork.consumer;

import static io.taskfork.consumer.testing.PackagedConsumer.WITHIN;
import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static io.taskfork.consumer.testing.PackagedConsumer.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.supervisor.Supervisor;
import io.taskfork.consumer.testing.PackagedConsumer;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.TaskOptions;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a supervisor does to TASKFORK_WORK_DIR as it starts: it removes the folders of its schema's
 * ended tasks there, so it must be sure first that the folder is its schema's, and that it starts.
 */
class WorkFolderAtStartIT {

    private static IsolatedEnvironment mine;
    private static IsolatedEnvironment other;
    @TempDir
    Path work;
    // apart from the work folder, which the supervisors own
    @TempDir
    static Path logs;

    @BeforeAll
    static void createEnvironments() {
        mine = IsolatedEnvironment.create(WorkFolderAtStartIT.class);
        other = IsolatedEnvironment.create(WorkFolderAtStartIT.class);
    }

    @AfterAll
    static void dropEnvironments() throws Exception {
        mine.close();
        other.close();
    }

    /**
     * Task IDs of two schemas overlap: the folder of a task of one schema, as it runs, is by its name
     * that of an ended task of the other, which the other's supervisor would remove at start.
     */
    @Test
    void aSupervisorOfAnotherSchemaGivenTheWorkFolderExitsTwoWithOneLineAndRemovesNoFolder() throws Exception {
        long id = waitingTask(mine);
        long ended = endedTask(other);
        while (ended != id) {
            if (ended < id) {
                ended = endedTask(other);
            } else {
                id = waitingTask(mine);
            }
        }
        Path running = taskFolder(id);
        Supervisor owner = new Supervisor(Settings.load(variables(mine, Map.of()), Map.of())).start();
        try {
            Path log = Files.createTempFile(logs, "consumer", ".log");
            Process refused = start(variables(other, Map.of()), log);

            assertThat(refused.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).as("exited by itself").isTrue();
            assertThat(refused.exitValue()).as(read(log)).isEqualTo(2);
            assertThat(read(log)).isEqualTo("taskfork consumer: TASKFORK_WORK_DIR=" + work + " is the work folder of "
                    + owner(mine) + ", and this supervisor's is " + owner(other) + "; task IDs of two schemas overlap,"
                    + " so each would remove the other's task folders: give this supervisor a TASKFORK_WORK_DIR of its"
                    + " own (the default is one per schema), or remove " + work + "/.taskfork-owner if no supervisor"
                    + " of " + mine.settings().db().schema() + " works there any more\n");
            assertThat(running.resolve("left.txt")).as("the running task's file").exists();
        } finally {
            owner.stop(Duration.ofSeconds(5));
        }
    }

    /** The folder is the schema's, not a supervisor's: every supervisor of the schema on the host shares it. */
    @Test
    void twoSupervisorsOfOneSchemaShareTheWorkFolder() throws Exception {
        // no standby children: the two would be of different PIDs, but the one in this JVM is not alone in it
        Supervisor first = new Supervisor(Settings.load(variables(mine, Map.of("TASKFORK_STANDBY", "false")),
                Map.of())).start();
        Path log = Files.createTempFile(logs, "consumer", ".log");
        Process second = start(variables(mine, Map.of()), log);
        try {
            awaitTrue(() -> read(log).contains("consuming " + mine.queues().main()) || !second.isAlive(),
                    "the second supervisor started");
            assertThat(second.isAlive()).as(read(log)).isTrue();
            first.stop(Duration.ofSeconds(5));

            long id = PackagedConsumer.submit(mine, "echo", "{}");

            assertThat(PackagedConsumer.awaitEnded(mine, id).status()).as(read(log)).isEqualTo(TaskStatus.SUCCEEDED);
        } finally {
            first.stop(Duration.ofSeconds(5));
            second.destroy();
            second.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void aMetricsPortThatIsTakenStopsTheStartBeforeItTouchesTheWorkFolder() throws Exception {
        Path ended = taskFolder(endedTask(mine));
        try (ServerSocket taken = new ServerSocket(0)) {
            Path log = Files.createTempFile(logs, "consumer", ".log");
            Process consumer = start(variables(mine, Map.of("TASKFORK_METRICS_PORT",
                    Integer.toString(taken.getLocalPort()))), log);

            assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).as("exited by itself").isTrue();
            assertThat(consumer.exitValue()).as(read(log)).isEqualTo(1);
            assertThat(read(log)).contains("the metrics port " + taken.getLocalPort() + " is taken")
                    .doesNotContain("removed");
            assertThat(ended.resolve("left.txt")).as("the ended task's file, for the next supervisor").exists();
            assertThat(work.resolve(".taskfork-owner")).doesNotExist();
        }
    }

    private Map<String, String> variables(IsolatedEnvironment environment, Map<String, String> more) {
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_WORK_DIR", work.toString());
        variables.putAll(more);
        return variables;
    }

    /** A task of {@code environment} that waits an hour to run. */
    private static long waitingTask(IsolatedEnvironment environment) {
        return new TaskStore(environment.database()).create(new NewTask("echo", Json.parse("{}"), null,
                new TaskOptions(Instant.now().plus(Duration.ofHours(1)), null, null, null))).id();
    }

    /** A task of {@code environment} that has ended: cancelled while it waited. */
    private static long endedTask(IsolatedEnvironment environment) {
        long id = waitingTask(environment);
        new TaskStore(environment.database()).cancel(id);
        return id;
    }

    /** The folder of task {@code id} in the work folder, as a run of it leaves it. */
    private Path taskFolder(long id) throws Exception {
        Path folder = Files.createDirectories(work.resolve(Long.toString(id)));
        Files.writeString(folder.resolve("left.txt"), "written by a run");
        return folder;
    }

    private static String owner(IsolatedEnvironment environment) {
        return environment.database().jdbi().withHandle(handle -> handle.createQuery("select 'schema ' || :schema"
                + " || ' of database ' || current_database()").bind("schema", environment.settings().db().schema())
                .mapTo(String.class).one());
    }
}
