package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.topology.Topology;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dead letter larger than the AMQP client reads by default (64 MiB) is read like any other: the
 * client would end the whole connection at it, and the dead-letter commands could show nothing.
 */
class LargeDeadLetterIT {

    private static final int OVER_THE_CLIENTS_DEFAULT = (64 << 20) + 1;

    private static IsolatedEnvironment env;
    private static DeadLetterFixture fixture;

    @BeforeAll
    static void openEnvironment() throws Exception {
        env = IsolatedEnvironment.create(LargeDeadLetterIT.class);
        Topology.declare(env.connection(), env.queues());
        fixture = new DeadLetterFixture(env);
    }

    @AfterAll
    static void closeEnvironment() throws Exception {
        if (env != null) {
            fixture.close();
            env.close();
        }
    }

    @Test
    void dlqListShowsADeadLetterOverWhatTheClientReadsByDefaultAndPurgeRemovesIt() throws Exception {
        fixture.tooLarge(OVER_THE_CLIENTS_DEFAULT);
        fixture.malformed("hello, taskfork");
        Map<String, String> wide = new HashMap<>(env.environment());
        wide.put("COLUMNS", "300");

        CliRun list = CliRun.of(wide, "dlq", "list");

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.outLines()).anyMatch(line -> line.matches(
                " *- +- +- +too-large +- +body of " + OVER_THE_CLIENTS_DEFAULT
                        + " bytes is over the limit of 1048576"));
        assertThat(list.outLines()).last().isEqualTo("2 messages in " + env.queues().dead());
        CliRun purge = CliRun.of(env.environment(), "dlq", "purge", "--yes");
        assertThat(purge.exitCode()).as(purge.err()).isZero();
        assertThat(fixture.deadCount()).isZero();
    }
}
