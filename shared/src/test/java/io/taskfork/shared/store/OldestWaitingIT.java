package io.taskfork.shared.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.json.Json;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What taskfork_queue_oldest_waiting_seconds reads: a task waits from when it is due, never less than 0. */
class OldestWaitingIT {

    private static IsolatedEnvironment env;
    private static TaskStore store;

    @BeforeAll
    static void openStore() {
        env = IsolatedEnvironment.create(OldestWaitingIT.class);
        store = new TaskStore(env.database());
    }

    @AfterAll
    static void closeEnvironment() throws Exception {
        env.close();
    }

    @Test
    void aTaskWhoseTimeIsStillToComeIsNotWaitingAndADueOneWaitsFromItsTime() {
        long retrying = store.insert(new NewTask("echo", Json.parse("{}")));
        long queued = store.insert(new NewTask("echo", Json.parse("{}")));
        setRow(retrying, "status = 'retrying', run_at = now() + interval '1 hour'");
        setRow(queued, "run_at = now() + interval '1 hour'");

        assertThat(store.oldestWaiting(env.queues().main())).isEmpty();

        setRow(queued, "created_at = now() - interval '1 minute', run_at = now() - interval '10 seconds'");

        assertThat(store.oldestWaiting(env.queues().main())).hasValueSatisfying(age -> assertThat(age)
                .isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20)));
    }

    @Test
    void aTaskOfAnotherQueueIsNotThisQueuesToWaitFor() {
        long other = store.insert(new NewTask("echo", Json.parse("{}")));
        setRow(other, "queue = 'another.pool', created_at = now() - interval '1 hour'");

        assertThat(store.oldestWaiting("another.pool")).hasValueSatisfying(age -> assertThat(age)
                .isGreaterThan(Duration.ofMinutes(59)));
        assertThat(store.oldestWaiting(env.queues().main()).orElse(Duration.ZERO)).isLessThan(Duration.ofMinutes(59));
    }

    private static void setRow(long id, String assignments) {
        env.database().jdbi().useHandle(handle -> handle.createUpdate("update tasks set " + assignments
                + " where id = :id").bind("id", id).execute());
    }
}
