package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.ProducerCli;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.Inserted;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskOptions;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** README, "Later, once, or not at all": delayed tasks, expiry and unique keys, with a supervisor running. */
class SchedulingIT {

    private static final Duration LATE_AT_MOST = Duration.ofSeconds(1);
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(SchedulingIT.class, Map.of());
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void aDelayedTaskWaitsScheduledThenStartsWithinASecondOfItsTime() throws Exception {
        List<Long> ids = new ArrayList<>();
        Map<Long, String> said = new HashMap<>();
        for (String delay : List.of("1s", "1500ms", "2s", "3s")) {
            ProducerCli submitted = cli("submit", "--type", "echo", "--delay", delay);
            assertThat(submitted.code()).as(submitted.err()).isZero();
            assertThat(submitted.err()).contains("is scheduled for");
            ids.add(Long.parseLong(submitted.out().strip()));
            said.put(ids.get(ids.size() - 1), submitted.err());
        }
        Task waiting = fixture.store().find(ids.get(3)).orElseThrow();
        assertThat(waiting.status()).isEqualTo(TaskStatus.SCHEDULED);
        assertThat(said.get(waiting.id())).as("the time said is the time stored")
                .isEqualTo("task " + waiting.id() + " is scheduled for " + waiting.options().runAt() + "\n");
        assertThat(Json.parse(cli("status", Long.toString(waiting.id())).out()).path("run_at").asText())
                .isEqualTo(waiting.options().runAt().toString());

        for (long id : ids) {
            Task task = fixture.awaitTerminal(id);
            assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
            Instant runAt = task.options().runAt();
            assertThat(task.startedAt()).as("task %d, due %s", id, runAt).isAfterOrEqualTo(runAt)
                    .isBefore(runAt.plus(LATE_AT_MOST));
        }
    }

    /** Both supervisors' schedulers look at each task's time; each due task is published by one of them. */
    @Test
    void withTwoSupervisorsEachDueTaskIsPublishedOnce() throws Exception {
        Supervisor second = new Supervisor(io.taskfork.shared.config.Settings.load(
                fixture.environment().environment(), Map.of())).start();
        try {
            long ackedBefore = fixture.supervisor().deliveriesAcked();
            Instant due = Instant.now().plusMillis(1500);
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ids.add(scheduled(due, null));
            }
            for (long id : ids) {
                Task task = fixture.awaitTerminal(id);
                assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
                assertThat(task.attempts()).isEqualTo(1);
            }
            // a second message for a task would be acked too: none comes
            Thread.sleep(1_000);
            assertThat(fixture.supervisor().deliveriesAcked() - ackedBefore + second.deliveriesAcked())
                    .as("messages acked by both supervisors").isEqualTo(ids.size());
        } finally {
            second.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void aTaskThatCameDueWhileNoSupervisorLookedIsPublishedAtOnce() throws Exception {
        long id = scheduled(Instant.now().plusSeconds(60), null);
        // as if its time had come while every supervisor was down
        fixture.environment().database().jdbi().useHandle(handle -> handle.execute(
                "update tasks set run_at = now() - interval '1 hour' where id = ?", id));
        Instant due = Instant.now();

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.startedAt()).isBefore(due.plus(LATE_AT_MOST));
    }

    @Test
    void aScheduledTaskCanBeCancelledAndNeverRuns() throws Exception {
        long id = Long.parseLong(cli("submit", "--type", "echo", "--delay", "1s").out().strip());

        ProducerCli cancelled = cli("cancel", Long.toString(id));
        Thread.sleep(2_000);

        assertThat(cancelled.code()).as(cancelled.err()).isZero();
        Task task = fixture.store().find(id).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(task.attempts()).isZero();
    }

    @Test
    void aTaskNotStartedByItsExpiryNeverRunsAndEndsExpired() throws Exception {
        // scheduled, and past its time and its expiry before a supervisor looked: the scheduler ends it
        long late = scheduled(Instant.now().plusSeconds(60), Instant.now().plusSeconds(61));
        fixture.environment().database().jdbi().useHandle(handle -> handle.execute("update tasks set"
                + " run_at = now() - interval '2 seconds', expires_at = now() - interval '1 second' where id = ?", late));
        // queued, and its message waits while it expires: the delivery ends it
        Inserted queued = fixture.store().create(new NewTask("echo", Json.parse("{}"), null,
                new TaskOptions(null, Instant.now().minusSeconds(1), null, null)));
        fixture.publish(WireFormat.taskIdBody(queued.id()), WireFormat.taskIdProperties(queued.id()).build());

        for (long id : List.of(late, queued.id())) {
            Task task = fixture.awaitTerminal(id);
            assertThat(task.status()).as("task " + id).isEqualTo(TaskStatus.EXPIRED);
            assertThat(task.attempts()).isZero();
            assertThat(task.startedAt()).isNull();
        }
        fixture.awaitEveryMessageAcked();
        assertThat(fixture.deadLettersOf(queued.id())).as("nothing failed").isZero();
    }

    /** Its row, whose retry comes after its expiry, is read as any other, by status as by the scheduler. */
    @Test
    void aTaskThatHasStartedOnceIsNotExpiredAndItsRetryDueAfterItsExpiryRuns() throws Exception {
        Inserted flaky = fixture.store().create(new NewTask("flaky", Json.parse("{\"succeed_on\": 2}"), null,
                new TaskOptions(null, Instant.now().plusSeconds(60), null, null)));
        fixture.publish(WireFormat.taskIdBody(flaky.id()), WireFormat.taskIdProperties(flaky.id()).build());
        fixture.awaitStatus(flaky.id(), TaskStatus.RETRYING);
        int moved = fixture.environment().database().jdbi().withHandle(handle -> handle.execute("update tasks set"
                + " expires_at = now() - interval '1 second', run_at = now() + interval '1 second'"
                + " where id = ? and status = 'retrying'", flaky.id()));
        assertThat(moved).as("still waiting for its retry").isOne();

        Task task = fixture.awaitTerminal(flaky.id());

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.attempts()).isEqualTo(2);
    }

    @Test
    void twoSubmitsWithOneKeyCreateOneTaskUntilItEnds() throws Exception {
        String key = "report-" + UUID.randomUUID();
        ProducerCli first = cli("submit", "--type", "echo", "--delay", "2s", "--unique-key", key);
        ProducerCli second = cli("submit", "--type", "echo", "--unique-key", key);

        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(second.err()).contains("holds unique key " + key + " and is scheduled: nothing created");
        fixture.awaitTerminal(Long.parseLong(first.out().strip()));
        ProducerCli third = cli("submit", "--type", "echo", "--unique-key", key);
        assertThat(third.out()).as("the key is free once its task ended").isNotEqualTo(first.out());
        assertThat(rowsWithKey(key)).isEqualTo(2);
    }

    @Test
    void racingInsertsWithOneKeyCreateOneRow() throws Exception {
        String key = "race-" + UUID.randomUUID();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Inserted>> inserts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                inserts.add(() -> fixture.store().create(new NewTask("echo", Json.parse("{}"), null,
                        new TaskOptions(Instant.now().plusSeconds(60), null, key, null))));
            }
            List<Inserted> results = new ArrayList<>();
            for (Future<Inserted> result : threads.invokeAll(inserts)) {
                results.add(result.get());
            }
            assertThat(results).filteredOn(Inserted::created).hasSize(1);
            assertThat(results).extracting(Inserted::id).containsOnly(results.get(0).id());
            assertThat(rowsWithKey(key)).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void jsonMessagesAndEnqueueLinesCarryTheSameFields() throws Exception {
        String key = "json-" + UUID.randomUUID();
        fixture.publish("{\"type\":\"echo\",\"delay\":\"1s\",\"unique_key\":\"" + key + "\"}", WireFormat.APPLICATION_JSON);
        fixture.publish("{\"type\":\"echo\",\"unique_key\":\"" + key + "\"}", WireFormat.APPLICATION_JSON);
        fixture.awaitEveryMessageAcked();
        assertThat(rowsWithKey(key)).as("the second message created nothing").isEqualTo(1);

        String runAt = Instant.now().plusSeconds(2).toString();
        java.nio.file.Path lines = java.nio.file.Files.createTempFile("scheduling", ".jsonl");
        java.nio.file.Files.writeString(lines, "{\"type\":\"echo\",\"run_at\":\"" + runAt
                + "\",\"max_attempts\":1}\n{\"type\":\"echo\",\"delay\":\"soon\"}\n");
        ProducerCli enqueued = cli("enqueue", lines.toString());
        java.nio.file.Files.delete(lines);
        assertThat(enqueued.err()).contains("line 2: \"delay\" must be a duration");
        Task task = fixture.awaitTerminal(Long.parseLong(enqueued.out().strip()));
        // the database keeps microseconds, rounded
        assertThat(Duration.between(task.options().runAt(), Instant.parse(runAt)).abs()).isLessThan(Duration.ofMillis(1));
        assertThat(task.maxAttempts()).isEqualTo(1);
        assertThat(task.startedAt()).isAfterOrEqualTo(Instant.parse(runAt));
    }

    private static long scheduled(Instant runAt, Instant expiresAt) {
        return fixture.store().insert(new NewTask("echo", Json.parse("{}"), null,
                new TaskOptions(runAt, expiresAt, null, fixture.environment().queues().main())));
    }

    private static long rowsWithKey(String key) {
        return fixture.environment().database().jdbi().withHandle(handle -> handle
                .createQuery("select count(*) from tasks where unique_key = :key").bind("key", key)
                .mapTo(Long.class).one());
    }

    private static ProducerCli cli(String... args) {
        return ProducerCli.run(fixture.environment().environment(), args);
    }
}
