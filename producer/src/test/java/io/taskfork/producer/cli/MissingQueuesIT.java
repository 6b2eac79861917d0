package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README, "Dead letters" and "Audit": a command that only reads or repairs a pool's queues, given a
 * name the broker has no queues of (a misspelt one), says so and makes none, rather than making them
 * and reporting them empty.
 */
class MissingQueuesIT {

    private static IsolatedEnvironment environment;

    @BeforeAll
    static void createEnvironment() {
        environment = IsolatedEnvironment.create(MissingQueuesIT.class);
    }

    @AfterAll
    static void dropEnvironment() throws Exception {
        environment.close();
    }

    @Test
    void dlqCommandsAndAuditOfAQueueThatIsNotThereExitTwoAndMakeNone() throws Exception {
        String misspelt = "taskfork.misspelt-" + UUID.randomUUID().toString().substring(0, 8);
        for (List<String> command : List.of(List.of("dlq", "list"), List.of("dlq", "show", "5"),
                List.of("dlq", "replay", "5"), List.of("dlq", "purge", "--yes"), List.of("audit"))) {
            String[] args = new String[command.size() + 2];
            command.toArray(args);
            args[command.size()] = "--queue";
            args[command.size() + 1] = misspelt;

            CliRun run = CliRun.of(environment.environment(), args);

            assertThat(run.exitCode()).as(String.join(" ", command) + ": " + run.err()).isEqualTo(2);
            assertThat(run.out()).isEmpty();
            assertThat(run.errLines()).as(String.join(" ", command)).containsExactly("taskfork: no queue " + misspelt
                    + " on the broker: check TASKFORK_QUEUE or --queue (a pool's queues are made by its first"
                    + " submit or supervisor)");
        }
        for (String queue : List.of(misspelt, misspelt + ".retry", misspelt + ".dead")) {
            assertThatThrownBy(() -> {
                try (Channel channel = environment.connection().createChannel()) {
                    channel.queueDeclarePassive(queue);
                }
            }).as(queue + " made").isInstanceOf(IOException.class);
        }
    }
}
