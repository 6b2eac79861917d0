package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.producer.QueueProbe;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.TaskOptions;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.topology.Topology;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A JSON message that never made a row is not replayed while a live task holds its unique key: a
 * supervisor would ack it and create nothing, and the dead letter would be gone with no run.
 */
class ReplayHeldKeyIT {

    private static IsolatedEnvironment env;
    private static DeadLetterFixture fixture;
    private static QueueProbe mainQueue;

    @BeforeAll
    static void openEnvironment() throws Exception {
        env = IsolatedEnvironment.create(ReplayHeldKeyIT.class);
        Topology.declare(env.connection(), env.queues());
        fixture = new DeadLetterFixture(env);
        mainQueue = new QueueProbe(env.connection(), env.queues().main());
    }

    @AfterAll
    static void closeEnvironment() throws Exception {
        if (env != null) {
            fixture.close();
            mainQueue.close();
            env.close();
        }
    }

    @Test
    void aJsonMessageWhoseUniqueKeyALiveTaskHoldsStaysWithALineNamingThatTask() throws Exception {
        fixture.jsonWithoutRow("nightly-5", "{\"type\": \"echo\", \"payload\": {}, \"unique_key\": \"nightly\"}");
        long holder = new TaskStore(env.database()).insert(new NewTask("echo", Json.parse("{}"), null,
                new TaskOptions(Instant.now().plus(1, ChronoUnit.HOURS), null, "nightly", null)));

        CliRun run = CliRun.of(env.environment(), "dlq", "replay", "--reason", "delivery-limit");

        assertThat(run.exitCode()).isOne();
        assertThat(run.err().lines().findFirst()).hasValue("message nightly-5 not replayed: its unique key \"nightly\""
                + " is held by live task " + holder + "; replay it once that one has ended; it stays in "
                + env.queues().dead());
        assertThat(fixture.deadCount()).isOne();
        assertThat(mainQueue.count()).isZero();
    }
}
