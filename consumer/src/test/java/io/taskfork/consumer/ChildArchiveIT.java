package io.taskfork.consumer;

import static io.taskfork.consumer.testing.PackagedConsumer.WITHIN;
import static io.taskfork.consumer.testing.PackagedConsumer.awaitEnded;
import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static io.taskfork.consumer.testing.PackagedConsumer.children;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static io.taskfork.consumer.testing.PackagedConsumer.start;
import static io.taskfork.consumer.testing.PackagedConsumer.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.taskfork.consumer.testhandlers.LitterHandler;
import io.taskfork.consumer.testing.HandlerJar;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "Class-data sharing": which archive children get, when a new one is written, when an old
 * one is deleted, and the AOT cache of JDK 25.
 */
class ChildArchiveIT {

    private static final Pattern ARCHIVED = Pattern.compile("archived the children's classes in (\\S+) \\(");
    // CI has it here too; README: "the AOT cache on JDK 25 and later".
    private static final Path JDK_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static IsolatedEnvironment environment;

    @TempDir
    Path folder;

    @BeforeAll
    static void createEnvironment() {
        environment = IsolatedEnvironment.create(ChildArchiveIT.class);
    }

    @AfterAll
    static void dropEnvironment() throws Exception {
        environment.close();
    }

    @Test
    void aChangedHandlerJarGetsANewArchiveBesideTheOldOne() throws Exception {
        Path jar = HandlerJar.write(folder.resolve("handler.jar"), "Versioned", HandlerJar.versioned("first"));
        Map<String, String> variables = variables(Map.of("TASKFORK_HANDLER_PATH", jar.toString()));
        Path before = archivedIn(runOneTask(variables));

        HandlerJar.write(jar, "Versioned", HandlerJar.versioned("second"));
        Path after = archivedIn(runOneTask(variables));

        assertThat(after).isNotEqualTo(before).hasParent(cache());
        assertThat(archivesIn(cache())).containsExactlyInAnyOrder(before, after);
    }

    /** The archive is not to blame for a heap the JVM cannot reserve: it stays, and the start says why it failed. */
    @Test
    void aChildHeapNoJvmCanReserveLeavesAGoodArchiveAsItWas() throws Exception {
        Map<String, String> variables = variables(Map.of());
        Path archive = archivedIn(runOneTask(variables));
        byte[] before = Files.readAllBytes(archive);

        Path log = folder.resolve("refused.log");
        Map<String, String> refused = new HashMap<>(variables);
        refused.put("TASKFORK_CHILD_HEAP", "99999999g");
        Process consumer = start(refused, log);
        assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).as(read(log)).isTrue();

        assertThat(consumer.exitValue()).as(read(log)).isEqualTo(2);
        assertThat(read(log)).contains("a child JVM refused its options").doesNotContain("damaged or stale");
        assertThat(archive).exists();
        assertThat(Files.readAllBytes(archive)).isEqualTo(before);
    }

    @Test
    void aChangedJdkGetsANewArchive() throws Exception {
        // A JDK of its own whose java can change, as an upgrade in place changes it: a copy of the
        // launcher, with the rest of the running JDK linked.
        Path jdk = folder.resolve("jdk");
        Path home = Path.of(System.getProperty("java.home")).toRealPath();
        Files.createDirectories(jdk.resolve("bin"));
        Path java = Files.copy(home.resolve("bin/java"), jdk.resolve("bin/java"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String entry : List.of("lib", "conf", "release")) {
            Files.createSymbolicLink(jdk.resolve(entry), home.resolve(entry));
        }
        Map<String, String> variables = variables(Map.of("TASKFORK_CHILD_JAVA", java.toString()));
        Path before = archivedIn(runOneTask(variables));

        Files.setLastModifiedTime(java, FileTime.from(Instant.now().plusSeconds(60)));
        Path after = archivedIn(runOneTask(variables));

        assertThat(after).isNotEqualTo(before);
        assertThat(archivesIn(cache())).containsExactlyInAnyOrder(before, after);
    }

    /**
     * Two supervisors of one host share the default cache folder. Started together on an empty one,
     * each that finds no archive when it looks writes one to a draft of its own (whether the second
     * looks before the first has renamed its draft is the machine's timing; ChildArchiveTest holds
     * two drafts at once); either way the children of both map the one archive, and no draft is left.
     */
    @Test
    void twoSupervisorsStartedTogetherOnOneCacheFolderLeaveOneWholeArchive() throws Exception {
        Map<String, String> variables = variables(Map.of());
        Path firstLog = folder.resolve("first.log");
        Path secondLog = folder.resolve("second.log");
        Process first = start(variables, firstLog);
        Process second = start(variables, secondLog);
        try {
            awaitStandby(first, firstLog);
            awaitStandby(second, secondLog);
            // Each writes one, or finds the other's when it looks: the last complete one has the name.
            Path archive = archivedIn(read(firstLog) + read(secondLog));
            for (Process consumer : List.of(first, second)) {
                assertThat(children(consumer)).as("a standby child").isNotEmpty()
                        .allSatisfy(child -> assertThat(child.info().commandLine().orElseThrow())
                                .contains("-XX:SharedArchiveFile=" + archive));
            }
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(submit(environment, "echo", "{\"n\":" + i + "}"));
            }
            for (long id : ids) {
                assertThat(awaitEnded(environment, id).status()).as(read(firstLog) + read(secondLog))
                        .isEqualTo(TaskStatus.SUCCEEDED);
            }

            try (Stream<Path> files = Files.list(cache())) {
                assertThat(files).containsExactly(archive);
            }
            assertThat(read(firstLog) + read(secondLog)).doesNotContain("class-data-sharing archive");
        } finally {
            stopAndWait(first);
            stopAndWait(second);
        }
    }

    @Test
    void archivesOfOtherClasspathsAreDeletedOnceAWeekOld() throws Exception {
        Files.createDirectories(cache());
        Path weekOld = aged(cache().resolve("child-00000000000000aa.jsa"), Duration.ofDays(7).plusHours(1));
        Path weekOldAot = aged(cache().resolve("child-00000000000000bb.aot"), Duration.ofDays(8));
        Path sixDaysOld = aged(cache().resolve("child-00000000000000cc.jsa"), Duration.ofDays(6));
        Path notAnArchive = aged(cache().resolve("notes.txt"), Duration.ofDays(30));

        Path archive = archivedIn(runOneTask(variables(Map.of())));

        assertThat(weekOld).doesNotExist();
        assertThat(weekOldAot).doesNotExist();
        assertThat(sixDaysOld).exists();
        assertThat(notAnArchive).exists();
        assertThat(archive).exists();
    }

    @Test
    void withAFolderOnTheHandlerPathThereIsNoArchiveAndTasksStillRun() throws Exception {
        Path classes = Path.of(LitterHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, String> variables = variables(Map.of("TASKFORK_HANDLER_PATH", classes.toString()));

        String log = runOneTask(variables);

        assertThat(log).doesNotContain("class-data-sharing").doesNotContain("archived");
        assertThat(Files.exists(cache()) ? archivesIn(cache()) : List.<Path>of()).isEmpty();
    }

    @Test
    void onJdk25TheAotCacheIsWrittenAndLaterChildrenMapIt() throws Exception {
        Path java = JDK_25.resolve("bin/java");
        if (!Files.isExecutable(java)) {
            fail("this test needs a JDK 25 at " + JDK_25 + " (as on CI): the AOT cache exists from JDK 25 on");
        }
        // Every class a child loads, and where from, goes to its log (the task's log column).
        Map<String, String> variables = variables(Map.of("TASKFORK_CHILD_JAVA", java.toString(),
                "TASKFORK_CHILD_JAVA_OPTIONS", "-Xlog:class+load"));

        Path log = folder.resolve("consumer-" + System.nanoTime() + ".log");
        Process consumer = start(variables, log);
        try {
            awaitStandby(consumer, log);
            Path archive = archivedIn(read(log));
            String standby = children(consumer).get(0).info().commandLine().orElseThrow();
            long id = submit(environment, "echo", "{\"n\":25}");
            Task task = awaitEnded(environment, id);
            // A success is recorded when the handler returns; its exit code and log once its child has exited.
            TaskStore store = new TaskStore(environment.database());
            awaitTrue(() -> store.find(id).orElseThrow().exitCode() != null, "task " + id + "'s log recorded");

            assertThat(archive.getFileName().toString()).endsWith(".aot");
            assertThat(standby).contains("-XX:AOTCache=" + archive);
            // The profiles of the cache's training run are neither recorded nor replayed (JDK 25's flags).
            assertThat(standby).contains("-XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining");
            assertThat(task.status()).as(read(log)).isEqualTo(TaskStatus.SUCCEEDED);
            // A JDK 25 child loads every class of the cache at its start: the cache holds what a task
            // loads, and not the machinery of listing the types.
            assertThat(store.log(id)).get().asString()
                    .contains("io.taskfork.consumer.child.ChildMain source: shared objects file")
                    .doesNotContain("io.taskfork.shared.handler.TaskType ")
                    .doesNotContain("java.util.ServiceLoader ");
        } finally {
            stopAndWait(consumer);
        }
    }

    private Path cache() {
        return folder.resolve("cache");
    }

    private static Path aged(Path file, Duration age) throws IOException {
        Files.writeString(file, "an archive of another classpath");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    private static List<Path> archivesIn(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(file -> file.getFileName().toString().startsWith("child-")).toList();
        }
    }

    private static Path archivedIn(String log) {
        Matcher archived = ARCHIVED.matcher(log);
        if (!archived.find()) {
            return fail("the supervisor wrote no archive; its log:\n" + log);
        }
        return Path.of(archived.group(1));
    }

    /** Starts a consumer, runs one echo task, stops it; returns its log. */
    private String runOneTask(Map<String, String> variables) throws Exception {
        Path log = folder.resolve("consumer-" + System.nanoTime() + ".log");
        Process consumer = start(variables, log);
        try {
            awaitStandby(consumer, log);
            assertThat(awaitEnded(environment, submit(environment, "echo", "{\"n\":1}")).status()).as(read(log))
                    .isEqualTo(TaskStatus.SUCCEEDED);
        } finally {
            stopAndWait(consumer);
        }
        return read(log);
    }

    /** Waits until the supervisor consumes, which it does once the archive is written, and a child waits. */
    private static void awaitStandby(Process consumer, Path log) throws InterruptedException {
        awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "the supervisor consuming");
        awaitTrue(() -> children(consumer).size() == 1, "a standby child");
    }

    private static void stopAndWait(Process consumer) throws InterruptedException {
        consumer.destroy();
        if (!consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            consumer.destroyForcibly();
        }
    }

    private Map<String, String> variables(Map<String, String> more) {
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_PREFETCH", "1");
        variables.put("TASKFORK_CACHE_DIR", cache().toString());
        variables.putAll(more);
        return variables;
    }
}
