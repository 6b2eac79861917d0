package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.topology.Topology;
import io.taskfork.shared.wire.DeadLetterReason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Looks at the dead letters at the same time, as two operators, a script and an open console page
 * make them: each sees every dead letter, since they take turns. A look holds what it reads, so two
 * at once would each see around the other's messages.
 */
class ConcurrentLooksIT {

    private static final int LETTERS = 400;

    private static IsolatedEnvironment env;
    private static DeadLetterFixture fixture;

    @BeforeAll
    static void openEnvironment() throws Exception {
        env = IsolatedEnvironment.create(ConcurrentLooksIT.class);
        Topology.declare(env.connection(), env.queues());
        fixture = new DeadLetterFixture(env);
        for (int i = 0; i < LETTERS; i++) {
            fixture.malformed("junk " + i);
        }
    }

    @AfterAll
    static void closeEnvironment() throws Exception {
        if (env != null) {
            fixture.close();
            env.close();
        }
    }

    @Test
    void listsAndAReplayAtOnceEachSeeEveryDeadLetter() throws Exception {
        long crashed = fixture.endedTask("crash", DeadLetterReason.SIGNAL, "JVM fatal error: SIGSEGV (0xb)");
        List<CompletableFuture<CliRun>> lists = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            lists.add(CompletableFuture.supplyAsync(() -> CliRun.of(env.environment(), "dlq", "list", "--limit",
                    "5000")));
        }
        CliRun replay = CliRun.of(env.environment(), "dlq", "replay", Long.toString(crashed));

        for (CompletableFuture<CliRun> list : lists) {
            CliRun run = list.get();
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.outLines()).last().asString().matches("(" + LETTERS + "|" + (LETTERS + 1) + ")"
                    + " messages in " + env.queues().dead().replace(".", "\\."));
        }
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.outLines()).singleElement().asString().startsWith("task " + crashed + " replayed");
        assertThat(fixture.deadCount()).isEqualTo(LETTERS);
    }
}
