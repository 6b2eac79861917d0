package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.consumer.testing.ProducerCli;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** README, "Recurring tasks": schedules fired by running supervisors, and the commands that change them. */
class RecurringSchedulesIT {

    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(RecurringSchedulesIT.class, Map.of());
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    /** Both supervisors look four times a second; each fire time makes one task, and its tasks run. */
    @Test
    void everyFiveSecondsWithTwoSupervisorsMakesOneTaskPerFireTime() throws Exception {
        Supervisor second = new Supervisor(Settings.load(fixture.environment().environment(), Map.of())).start();
        try {
            ProducerCli added = cli("schedule", "add", "five", "--every", "5s", "--type", "echo", "--payload",
                    "{\"tag\": \"five\"}");
            assertThat(added.code()).as(added.err()).isZero();
            assertThat(added.out()).startsWith("schedule five: every 5s, first task at ");
            String line = added.out().strip();
            Instant said = OffsetDateTime.parse(line.substring(line.lastIndexOf(' ') + 1)).toInstant();
            Instant next = Instant.parse(listed("five").path("next_fire_at").asText());
            assertThat(said).as("the time it will fire, to the millisecond, not cut to its second")
                    .isEqualTo(next.truncatedTo(ChronoUnit.MILLIS));
            Thread.sleep(16_000);
            assertThat(cli("schedule", "pause", "five").code()).isZero();
        } finally {
            second.stop(Duration.ofSeconds(10));
        }
        List<Instant> fireTimes = fireTimes(fixture, "five");
        assertThat(fireTimes).as("tasks made in 16 s").hasSizeBetween(3, 4).doesNotHaveDuplicates();
        for (int i = 1; i < fireTimes.size(); i++) {
            assertThat(Duration.between(fireTimes.get(i - 1), fireTimes.get(i))).isEqualTo(Duration.ofSeconds(5));
        }
        for (long id : taskIds(fixture, "five")) {
            Task task = fixture.awaitTerminal(id);
            assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(task.attempts()).isEqualTo(1);
        }
    }

    /** As if every supervisor had been down for ten minutes and forty seconds over a minutely schedule. */
    @Test
    void missedTimesMakeNothingOneTaskOrATaskEachAsTheCatchUpSays() throws Exception {
        for (String catchUp : List.of("none", "one", "all")) {
            ProducerCli added = cli("schedule", "add", "missed-" + catchUp, "--every", "1m", "--catch-up", catchUp,
                    "--type", "echo", "--payload", "{\"tag\": \"missed-" + catchUp + "\"}");
            assertThat(added.code()).as(added.err()).isZero();
        }
        Instant downSince = sql("update schedules set next_fire_at = now() - interval '10 minutes 40 seconds'"
                + " where name like 'missed-%' returning next_fire_at");

        awaitFired("missed-none", "missed-one", "missed-all");

        assertThat(fireTimes(fixture, "missed-none")).isEmpty();
        assertThat(fireTimes(fixture, "missed-one")).containsExactly(downSince.plus(Duration.ofMinutes(10)));
        assertThat(fireTimes(fixture, "missed-all")).hasSize(11).startsWith(downSince)
                .endsWith(downSince.plus(Duration.ofMinutes(10)));
        for (String name : List.of("missed-none", "missed-one", "missed-all")) {
            JsonNode listed = listed(name);
            // back on the grid: the first time to come
            assertThat(Instant.parse(listed.path("next_fire_at").asText()))
                    .isEqualTo(downSince.plus(Duration.ofMinutes(11)));
            assertThat(listed.path("last_task_id").isNull()).isEqualTo(name.equals("missed-none"));
        }
        for (long id : taskIds(fixture, "missed-all")) {
            assertThat(fixture.awaitTerminal(id).status()).isEqualTo(TaskStatus.SUCCEEDED);
        }
    }

    /**
     * Paused over its times, as if for three hours and twenty minutes: it goes on at the next time of
     * its grid, forty minutes after the resume, not an hour after it.
     */
    @Test
    void anEveryScheduleResumedGoesOnOnTheGridOfItsFirstTime() throws Exception {
        assertThat(cli("schedule", "add", "grid", "--every", "1h", "--type", "echo").code()).isZero();
        assertThat(cli("schedule", "pause", "grid").code()).isZero();
        Instant movedTo = sql("update schedules set next_fire_at = next_fire_at - interval '3 hours 20 minutes'"
                + " where name = 'grid' returning next_fire_at");

        assertThat(cli("schedule", "resume", "grid").code()).isZero();

        Instant next = Instant.parse(listed("grid").path("next_fire_at").asText());
        assertThat(next).isEqualTo(movedTo.plus(Duration.ofHours(3)));
        assertThat(next).isAfter(Instant.now());
        assertThat(cli("schedule", "remove", "grid").code()).isZero();
    }

    @Test
    void pauseResumeRemoveRunNowAndListWork() throws Exception {
        assertThat(cli("schedule", "add", "hourly", "--cron", "0 * * * *", "--zone", "Europe/Berlin", "--type", "echo",
                "--payload", "{\"tag\": \"hourly\"}").code()).isZero();
        ProducerCli duplicate = cli("schedule", "add", "hourly", "--every", "1h", "--type", "echo");
        assertThat(duplicate.code()).isEqualTo(1);
        assertThat(duplicate.err()).isEqualTo("taskfork: a schedule named hourly exists already; remove it first to"
                + " replace it\n");
        String next = listed("hourly").path("next_fire_at").asText();
        assertThat(cli("schedule", "list").out()).containsPattern(
                "(?m)^hourly +cron 0 \\* \\* \\* \\* +Europe/Berlin +one +no +\\S+\\+0[12]:00 +echo +"
                + Pattern.quote(fixture.environment().queues().main()) + " +-$");

        ProducerCli ran = cli("schedule", "run-now", "hourly");
        assertThat(ran.code()).as(ran.err()).isZero();
        long id = Long.parseLong(ran.out().strip());
        assertThat(fixture.awaitTerminal(id).status()).isEqualTo(TaskStatus.SUCCEEDED);
        JsonNode afterRun = listed("hourly");
        assertThat(afterRun.path("last_task_id").asLong()).isEqualTo(id);
        assertThat(afterRun.path("last_task_status").asText()).isEqualTo("succeeded");
        assertThat(afterRun.path("next_fire_at").asText()).as("run-now leaves the next time").isEqualTo(next);
        assertThat(cli("schedule", "list").out()).containsPattern("(?m)^hourly .* " + id + " succeeded$");

        assertThat(cli("schedule", "pause", "hourly").out()).isEqualTo("schedule hourly paused\n");
        sql("update schedules set next_fire_at = now() - interval '1 second' where name = 'hourly'"
                + " returning next_fire_at");
        Thread.sleep(1_500);
        assertThat(taskIds(fixture, "hourly")).as("a paused schedule makes nothing").containsExactly(id);
        assertThat(listed("hourly").path("paused").asBoolean()).isTrue();
        assertThat(listed("hourly").path("next_fire_at").isNull()).as("no next time while paused, as the table's -")
                .isTrue();

        ProducerCli resumed = cli("schedule", "resume", "hourly");
        assertThat(resumed.out()).startsWith("schedule hourly resumed; next task at ");
        Instant resumedNext = Instant.parse(listed("hourly").path("next_fire_at").asText());
        assertThat(resumedNext).as("the first time after now, not the missed one").isAfter(Instant.now())
                .isBefore(Instant.now().plus(Duration.ofHours(1)));
        assertThat(taskIds(fixture, "hourly")).containsExactly(id);

        assertThat(cli("schedule", "remove", "hourly").out()).isEqualTo("schedule hourly removed\n");
        assertThat(cli("schedule", "list", "--json").out()).doesNotContain("\"hourly\"");
        assertThat(fixture.store().find(id)).as("its tasks stay").isPresent();
        for (String command : List.of("pause", "resume", "remove", "run-now")) {
            ProducerCli unknown = cli("schedule", command, "hourly");
            assertThat(unknown.code()).as(command).isEqualTo(1);
            assertThat(unknown.err()).isEqualTo("taskfork: no schedule named hourly\n");
        }
    }

    @Test
    void theListShowsEveryQueuesSchedulesOrThoseOfTheQueueNamed() {
        String own = fixture.environment().queues().main();
        String other = own + ".lane";
        assertThat(cli("schedule", "add", "lane", "--queue", other, "--every", "1h", "--type", "echo").code()).isZero();
        assertThat(cli("schedule", "add", "own", "--every", "1h", "--type", "echo").code()).isZero();
        try {
            Map<String, String> noQueue = new HashMap<>(fixture.environment().environment());
            noQueue.remove("TASKFORK_QUEUE");
            String every = ProducerCli.run(noQueue, "schedule", "list").out();
            assertThat(every).containsPattern("(?m)^lane .* echo +" + Pattern.quote(other) + " +-$")
                    .containsPattern("(?m)^own .* echo +" + Pattern.quote(own) + " +-$");

            assertThat(cli("schedule", "list").out()).as("TASKFORK_QUEUE names one").contains("own")
                    .doesNotContain("lane");
            assertThat(ProducerCli.run(noQueue, "schedule", "list", "--queue", other, "--json").out().lines()
                    .map(line -> Json.parse(line).path("name").asText())).containsExactly("lane");
            assertThat(ProducerCli.run(noQueue, "schedule", "list", "--queue", other + ".none").out())
                    .isEqualTo("no schedules of queue " + other + ".none\n");
        } finally {
            cli("schedule", "remove", "lane");
            cli("schedule", "remove", "own");
        }
    }

    private static void awaitFired(String... names) throws InterruptedException {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        for (String name : names) {
            while (Instant.parse(listed(name).path("next_fire_at").asText()).isBefore(Instant.now())) {
                assertThat(Instant.now()).as("schedule " + name + " fired").isBefore(deadline);
                Thread.sleep(50);
            }
        }
    }

    private static JsonNode listed(String name) {
        ProducerCli listed = cli("schedule", "list", "--json");
        assertThat(listed.code()).as(listed.err()).isZero();
        return listed.out().lines().map(Json::parse).filter(node -> node.path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no schedule " + name + " in " + listed.out()));
    }

    private static Instant sql(String statement) {
        return fixture.environment().database().jdbi().withHandle(handle -> handle.createQuery(statement)
                .mapTo(OffsetDateTime.class).list()).get(0).toInstant();
    }

    /** The run_at of the tasks a schedule made (its payload's tag names it), earliest first. */
    static List<Instant> fireTimes(SupervisorFixture on, String tag) {
        return on.environment().database().jdbi().withHandle(handle -> handle
                .createQuery("select run_at from tasks where payload->>'tag' = :tag order by run_at, id")
                .bind("tag", tag).mapTo(OffsetDateTime.class).map(OffsetDateTime::toInstant).list());
    }

    static List<Long> taskIds(SupervisorFixture on, String tag) {
        return on.environment().database().jdbi().withHandle(handle -> handle
                .createQuery("select id from tasks where payload->>'tag' = :tag order by id")
                .bind("tag", tag).mapTo(Long.class).list());
    }

    private static ProducerCli cli(String... args) {
        return ProducerCli.run(fixture.environment().environment(), args);
    }
}
