package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.topology.Topology;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README, "Dead letters" and "Status and logs": a command that only reads or changes what is there,
 * given a queue name the broker has no queues of or a schema the database does not have (a misspelt
 * one), says so and makes none, rather than making them and reporting them empty.
 */
class MisspeltNamesIT {

    private static IsolatedEnvironment environment;

    @BeforeAll
    static void createEnvironment() throws IOException {
        environment = IsolatedEnvironment.create(MisspeltNamesIT.class);
        Topology.declare(environment.connection(), environment.queues());
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

    @Test
    void commandsThatOnlyLookAtAMisspeltSchemaExitTwoAndMakeNone() throws Exception {
        String misspelt = "taskfork_misspelt_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_DB_SCHEMA", misspelt);
        for (List<String> command : List.of(List.of("status", "1"), List.of("logs", "1"), List.of("wait", "1"),
                List.of("cancel", "1"), List.of("schedule", "list"), List.of("schedule", "pause", "nightly"),
                List.of("dlq", "list"), List.of("audit"))) {
            CliRun run = CliRun.of(variables, command.toArray(String[]::new));

            assertThat(run.exitCode()).as(String.join(" ", command) + ": " + run.err()).isEqualTo(2);
            assertThat(run.errLines()).as(String.join(" ", command)).containsExactly("taskfork: no schema " + misspelt
                    + " in the database: check TASKFORK_DB_SCHEMA or --db-schema (a schema is made by the first"
                    + " submit, schedule or supervisor that uses it)");
        }
        boolean made = environment.database().jdbi().withHandle(handle -> handle.createQuery(
                "select exists (select 1 from information_schema.schemata where schema_name = :schema)")
                .bind("schema", misspelt).mapTo(Boolean.class).one());
        assertThat(made).as("schema " + misspelt + " made").isFalse();
    }
}
