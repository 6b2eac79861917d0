package io.taskfork.consumer;

import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static io.taskfork.consumer.testing.PackagedConsumer.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.producer.cli.ProducerMain;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README, "Recurring tasks": one task per fire time with two packaged supervisors, one SIGKILLed. */
class ScheduleFiringKillIT {

    @TempDir
    static Path folder;
    private static IsolatedEnvironment environment;

    @BeforeAll
    static void createEnvironment() {
        // a task the killed supervisor took but never published is published by the survivor soon
        environment = IsolatedEnvironment.create(ScheduleFiringKillIT.class, Map.of("TASKFORK_OUTBOX_AGE", "2s"));
    }

    @AfterAll
    static void dropEnvironment() throws Exception {
        environment.close();
    }

    @Test
    void aSupervisorSigkilledAtAFireTimeLeavesOneTaskPerFireTime() throws Exception {
        Path firstLog = Files.createTempFile(folder, "consumer", ".log");
        Path secondLog = Files.createTempFile(folder, "consumer", ".log");
        Process first = start(environment.environment(), firstLog);
        Process second = start(environment.environment(), secondLog);
        try {
            String consuming = "consuming " + environment.queues().main();
            awaitTrue(() -> read(firstLog).contains(consuming) && read(secondLog).contains(consuming),
                    "both supervisors started");
            assertThat(cli("schedule", "add", "killed", "--every", "5s", "--type", "echo", "--payload",
                    "{\"tag\": \"killed\"}")).isZero();
            Instant added = Instant.now();

            // at about the second fire time: both supervisors are looking for it four times a second
            Thread.sleep(Duration.between(Instant.now(), added.plusSeconds(10)).toMillis());
            first.destroyForcibly();
            Thread.sleep(Duration.between(Instant.now(), added.plusSeconds(16)).toMillis());
            assertThat(cli("schedule", "pause", "killed")).isZero();

            List<Instant> fireTimes = environment.database().jdbi().withHandle(handle -> handle
                    .createQuery("select run_at from tasks where payload->>'tag' = 'killed' order by run_at, id")
                    .mapTo(OffsetDateTime.class).map(OffsetDateTime::toInstant).list());
            assertThat(fireTimes).as(read(firstLog) + read(secondLog)).hasSizeBetween(3, 4).doesNotHaveDuplicates();
            for (int i = 1; i < fireTimes.size(); i++) {
                assertThat(Duration.between(fireTimes.get(i - 1), fireTimes.get(i))).isEqualTo(Duration.ofSeconds(5));
            }
            TaskStore store = new TaskStore(environment.database());
            List<Long> ids = environment.database().jdbi().withHandle(handle -> handle
                    .createQuery("select id from tasks where payload->>'tag' = 'killed'").mapTo(Long.class).list());
            for (long id : ids) {
                awaitTrue(() -> store.find(id).orElseThrow().status().isTerminal(), "task " + id + " ran");
            }
        } finally {
            first.destroyForcibly();
            second.destroyForcibly();
        }
    }

    private static int cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return ProducerMain.run(args, environment.environment(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
    }
}
