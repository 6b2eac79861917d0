package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.config.TypeLimits;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** README, "Per-type limits": TASKFORK_TYPE_LIMITS holds across every supervisor on the database. */
class TypeLimitsIT {

    private static final Duration STALE = Duration.ofMinutes(10);
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(TypeLimitsIT.class, Map.of("TASKFORK_TYPE_LIMITS", "sleep:1"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void aLimitOnATypeNoHandlerHereHasIsAWarningAtStart() throws Exception {
        Map<String, String> variables = new HashMap<>(fixture.environment().environment());
        variables.put("TASKFORK_TYPE_LIMITS", "Sleep:1,sleep:1");
        Logger log = (Logger) LoggerFactory.getLogger(Supervisor.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        Supervisor supervisor = new Supervisor(Settings.load(variables, Map.of())).start();
        try {
            assertThat(List.copyOf(lines.list)).filteredOn(line -> line.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage).containsExactly("TASKFORK_TYPE_LIMITS limits Sleep,"
                            + " a type no handler here has (types are named exactly)");
        } finally {
            log.detachAppender(lines);
            supervisor.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void withTwoSupervisorsNoTwoLimitedTasksOverlapWhileOthersRunAlongside() throws Exception {
        Supervisor second = new Supervisor(Settings.load(fixture.environment().environment(), Map.of())).start();
        try {
            List<Long> sleeps = new ArrayList<>();
            List<Long> echoes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sleeps.add(fixture.submit("sleep", "{\"ms\":700}"));
            }
            for (int i = 0; i < 6; i++) {
                echoes.add(fixture.submit("echo", "{}"));
            }
            List<Task> slept = new ArrayList<>();
            for (long id : sleeps) {
                slept.add(fixture.awaitTerminal(id));
            }
            slept.sort(Comparator.comparing(Task::startedAt));
            for (int i = 0; i < slept.size(); i++) {
                assertThat(slept.get(i).status()).isEqualTo(TaskStatus.SUCCEEDED);
                assertThat(slept.get(i).attempts()).as("waiting for a slot burns no attempt").isEqualTo(1);
                if (i > 0) {
                    assertThat(slept.get(i).startedAt()).as("sleep %d starts after sleep %d ended", slept.get(i).id(),
                            slept.get(i - 1).id()).isAfterOrEqualTo(slept.get(i - 1).finishedAt());
                }
            }
            Task lastEcho = echoes.stream().map(id -> awaitTerminal(id)).max(Comparator.comparing(Task::finishedAt))
                    .orElseThrow();
            assertThat(lastEcho.finishedAt()).as("every echo ended while sleeps still waited for their slot")
                    .isBefore(slept.get(slept.size() - 1).startedAt());
            assertThat(fixture.deadLettersOf(sleeps.get(0))).isZero();
        } finally {
            second.stop(Duration.ofSeconds(10));
        }
    }

    /** Two claims of the last slot at the same instant: the type's lock makes them take turns. */
    @Test
    void racingClaimsOfTheLastSlotLeaveOneWinner() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(fixture.store().insert(new NewTask("limited", Json.parse("{}"))));
        }
        TypeLimits limits = new TypeLimits(Map.of("limited", 1));
        ExecutorService threads = Executors.newFixedThreadPool(ids.size());
        try {
            List<Callable<Optional<Task>>> claims = new ArrayList<>();
            for (long id : ids) {
                claims.add(() -> fixture.store().attempts().claim(id, "racer/" + id, STALE, null, limits));
            }
            int won = 0;
            for (Future<Optional<Task>> claim : threads.invokeAll(claims)) {
                won += claim.get().isPresent() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
            assertThat(fixture.store().running("limited")).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    private static Task awaitTerminal(long id) {
        try {
            return fixture.awaitTerminal(id);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
