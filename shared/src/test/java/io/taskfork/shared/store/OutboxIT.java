package io.taskfork.shared.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.json.Json;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox's take, which every supervisor's sweeper runs at the same time as the others': "many
 * supervisors never double up" rests on each overdue row being taken by one of them.
 */
class OutboxIT {

    private static final Duration AGE = Duration.ofSeconds(30);
    private static final int ROWS = 50;
    private static final int SWEEPERS = 8;
    /** Small takes, so that the sweepers' statements overlap on the same rows. */
    private static final int LIMIT = 5;

    private static IsolatedEnvironment env;
    private static TaskStore store;

    @BeforeAll
    static void openStore() {
        env = IsolatedEnvironment.create(OutboxIT.class);
        store = new TaskStore(env.database());
    }

    @AfterAll
    static void closeEnvironment() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    @BeforeEach
    void noRows() {
        env.database().jdbi().useHandle(handle -> handle.execute("delete from tasks"));
    }

    @Test
    void sweepersTakingAtOnceTakeEachOverdueRowExactlyOnce() throws Exception {
        List<Long> ids = overdueRows(ROWS);
        CyclicBarrier start = new CyclicBarrier(SWEEPERS);
        ExecutorService pool = Executors.newFixedThreadPool(SWEEPERS);
        try {
            List<Future<List<Long>>> sweeps = new ArrayList<>();
            for (int i = 0; i < SWEEPERS; i++) {
                sweeps.add(pool.submit(() -> {
                    Outbox outbox = store.outbox();
                    List<Long> taken = new ArrayList<>();
                    start.await();
                    // more rounds than one sweeper alone would need, so a broken take cannot loop forever
                    for (int round = 0; round <= ROWS / LIMIT; round++) {
                        List<Long> batch = outbox.takeOverdue(AGE, LIMIT);
                        if (batch.isEmpty()) {
                            break;
                        }
                        taken.addAll(batch);
                    }
                    return taken;
                }));
            }
            List<Long> taken = new ArrayList<>();
            for (Future<List<Long>> sweep : sweeps) {
                taken.addAll(sweep.get());
            }

            assertThat(taken).as("taken by %d sweepers at once", SWEEPERS).containsExactlyInAnyOrderElementsOf(ids);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void takenRowIsPassedByUntilItHasWaitedTheAgeAgain() {
        long id = overdueRows(1).get(0);

        assertThat(store.outbox().takeOverdue(AGE, LIMIT)).containsExactly(id);
        assertThat(store.outbox().takeOverdue(AGE, LIMIT)).as("just taken").isEmpty();
        assertThat(store.outbox().takeOverdue(Duration.ZERO, LIMIT)).as("waited an age of 0").containsExactly(id);
    }

    @Test
    void rowWhosePublishWasConfirmedIsNeverTaken() {
        long id = overdueRows(1).get(0);
        store.outbox().markPublished(List.of(id));

        assertThat(store.outbox().takeOverdue(Duration.ZERO, LIMIT)).isEmpty();
    }

    /** Queued rows never published, queued longer ago than {@link #AGE}. */
    private static List<Long> overdueRows(int count) {
        List<Long> ids = store.insertAll(IntStream.range(0, count)
                .mapToObj(i -> new NewTask("echo", Json.parse("{\"i\":" + i + "}"))).toList());
        env.database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set queued_at = now()"
                + " - interval '1 minute' where id in (<ids>)").bindList("ids", ids).execute());
        return Collections.unmodifiableList(ids);
    }
}
