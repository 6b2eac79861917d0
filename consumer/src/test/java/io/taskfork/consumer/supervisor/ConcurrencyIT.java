package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Prefetch 4: four tasks run at once, a fifth waits for a free slot. */
class ConcurrencyIT {

    private static final long SLEEP_MS = 4_000;
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(ConcurrencyIT.class, Map.of("TASKFORK_PREFETCH", "4"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void fourSleepsRunAtOnceAndAFifthWaitsItsTurn() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(fixture.submit("sleep", "{\"ms\":" + SLEEP_MS + "}"));
        }
        List<Task> tasks = new ArrayList<>();
        for (long id : ids) {
            tasks.add(fixture.awaitTerminal(id));
        }
        tasks.forEach(task -> assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED));
        tasks.sort(Comparator.comparing(Task::startedAt));
        List<Task> firstFour = tasks.subList(0, 4);
        Task fifth = tasks.get(4);

        Instant lastStart = firstFour.stream().map(Task::startedAt).max(Comparator.naturalOrder()).orElseThrow();
        Instant firstEnd = firstFour.stream().map(Task::finishedAt).min(Comparator.naturalOrder()).orElseThrow();
        Instant allDone = firstFour.stream().map(Task::finishedAt).max(Comparator.naturalOrder()).orElseThrow();
        Duration wall = Duration.between(firstFour.get(0).startedAt(), allDone);

        assertThat(lastStart).as("all four were running at the same time").isBefore(firstEnd);
        assertThat(wall).as("four sleeps take about one sleep, not four")
                .isLessThan(Duration.ofMillis(2 * SLEEP_MS));
        assertThat(fifth.startedAt()).as("the fifth started only when a slot was free")
                .isAfterOrEqualTo(firstEnd);
    }
}
