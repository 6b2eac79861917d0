package io.taskfork.consumer;

import static io.taskfork.consumer.testing.PackagedConsumer.WITHIN;
import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static io.taskfork.consumer.testing.PackagedConsumer.start;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.testing.TcpProxy;
import io.taskfork.shared.testing.TestServices;
import io.taskfork.shared.wire.WireFormat;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "Configuration": passwords never appear in logs. The supervisor and the command line run
 * with passwords no log could contain by chance: a broker user of the test's own, a database password
 * in TASKFORK_JDBC_PASSWORD and another in the JDBC URL (trust authentication ignores both). Their
 * output is searched after outages, bad settings and failed connections.
 */
class PasswordsIT {

    private static final String UNIQUE = UUID.randomUUID().toString().substring(0, 8);
    private static final String BROKER_USER = "taskfork-it-" + UNIQUE;
    private static final String BROKER_PASSWORD = "amqp-secret-" + UNIQUE;
    private static final String JDBC_PASSWORD = "jdbc-secret-" + UNIQUE;
    private static final String URL_PASSWORD = "url-secret-" + UNIQUE;
    private static final List<String> PASSWORDS = List.of(BROKER_PASSWORD, JDBC_PASSWORD, URL_PASSWORD);
    private static final Path CLI_JAR = Path.of("..", "producer", "target", "taskfork-producer.jar");

    private static IsolatedEnvironment environment;
    private static TcpProxy broker;
    private static TcpProxy database;

    @TempDir
    Path folder;

    @BeforeAll
    static void brokerUserAndProxies() throws Exception {
        environment = IsolatedEnvironment.create(PasswordsIT.class);
        TestServices services = TestServices.get();
        services.rabbitmqctl("add_user", BROKER_USER, BROKER_PASSWORD);
        services.rabbitmqctl("set_permissions", "-p", vhost(), BROKER_USER, ".*", ".*", ".*");
        URI amqp = URI.create(services.amqpUri());
        URI jdbc = URI.create(services.jdbcUrl().substring("jdbc:".length()));
        broker = TcpProxy.to(amqp.getHost(), amqp.getPort() < 0 ? 5672 : amqp.getPort());
        database = TcpProxy.to(jdbc.getHost(), jdbc.getPort() < 0 ? 5432 : jdbc.getPort());
    }

    @AfterAll
    static void dropAll() throws Exception {
        try {
            TestServices.get().rabbitmqctl("delete_user", BROKER_USER);
        } finally {
            broker.close();
            database.close();
            environment.close();
        }
    }

    @Test
    void aSupervisorThatLosesTheBrokerAndTheDatabaseNeverLogsAPassword() throws Exception {
        Path log = folder.resolve("consumer.log");
        Process consumer = start(secretVariables(Map.of()), log);
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
            assertThat(runTask()).isEqualTo(TaskStatus.SUCCEEDED);

            broker.cut();
            awaitTrue(() -> read(log).contains("lost the broker connection"), "the loss logged");
            // the client's own log of a failed recovery, with its exception
            awaitTrue(() -> read(log).contains("ERROR"), "a failed reconnection logged");
            broker.restore();
            awaitTrue(() -> read(log).contains("reconnected to the broker"), "the reconnection logged");

            database.cut();
            long id = submit();
            awaitTrue(() -> read(log).contains("database unavailable while"), "the database outage logged");
            database.restore();
            awaitTrue(() -> read(log).contains("database is back"), "the database back");
            awaitTrue(() -> status(id).isTerminal(), "the task run after the outage");
        } finally {
            consumer.destroy();
            consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS);
            consumer.destroyForcibly();
        }

        assertNoPassword("the supervisor's log", read(log));
    }

    @Test
    void badSettingsAreRefusedWithoutShowingAPassword() throws Exception {
        String auth = BROKER_USER + ":" + BROKER_PASSWORD;
        List<Map<String, String>> refused = List.of(
                Map.of("TASKFORK_AMQP_URI", "http://" + auth + "@127.0.0.1/%2F"),
                Map.of("TASKFORK_AMQP_URI", "amqp://" + auth + "@/%2F"),
                Map.of("TASKFORK_AMQP_URI", "amqp://" + auth + "@127.0.0.1/a b"),
                Map.of("TASKFORK_JDBC_URL", "postgresql://127.0.0.1/postgres?password=" + URL_PASSWORD),
                Map.of("TASKFORK_PREFETCH", "0"));
        for (Map<String, String> setting : refused) {
            Exit exit = runUntilExit(secretVariables(setting));

            assertThat(exit.code()).as(setting + ": " + exit.output()).isEqualTo(2);
            assertNoPassword(setting.toString(), exit.output());
        }
    }

    @Test
    void servicesThatCannotBeReachedAtStartAreReportedWithoutAPassword() throws Exception {
        Exit noBroker = runUntilExit(secretVariables(Map.of("TASKFORK_AMQP_URI",
                "amqp://" + BROKER_USER + ":" + BROKER_PASSWORD + "@127.0.0.1:1/%2F")));
        Exit noDatabase = runUntilExit(secretVariables(Map.of("TASKFORK_JDBC_URL",
                "jdbc:postgresql://127.0.0.1:1/postgres?password=" + URL_PASSWORD)));

        assertThat(noBroker.code()).as(noBroker.output()).isEqualTo(1);
        assertThat(noBroker.output()).contains("cannot connect to the broker at amqp://" + BROKER_USER + ":****@");
        assertNoPassword("the supervisor without a broker", noBroker.output());
        assertThat(noDatabase.code()).as(noDatabase.output()).isEqualTo(1);
        assertThat(noDatabase.output()).contains("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/");
        assertNoPassword("the supervisor without a database", noDatabase.output());
    }

    @Test
    void theCommandLineReportsAFailedConnectionWithoutAPassword() throws Exception {
        assertThat(CLI_JAR).as("the packaged command line").isRegularFile();
        Exit noBroker = runCli(secretVariables(Map.of("TASKFORK_AMQP_URI",
                "amqp://" + BROKER_USER + ":" + BROKER_PASSWORD + "@127.0.0.1:1/%2F")), "submit", "--type", "echo");
        Exit noDatabase = runCli(secretVariables(Map.of()), "status", "--jdbc-url",
                "jdbc:postgresql://127.0.0.1:1/postgres?password=" + URL_PASSWORD);

        assertThat(noBroker.code()).as(noBroker.output()).isEqualTo(1);
        assertThat(noBroker.output()).contains("cannot connect to the broker at amqp://" + BROKER_USER + ":****@");
        assertNoPassword("submit without a broker", noBroker.output());
        assertThat(noDatabase.code()).as(noDatabase.output()).isEqualTo(1);
        assertThat(noDatabase.output()).contains("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/");
        assertNoPassword("status without a database", noDatabase.output());
    }

    private static void assertNoPassword(String what, String output) {
        for (String password : PASSWORDS) {
            assertThat(output).as(what + " shows a password").doesNotContain(password);
        }
    }

    /** The supervisor's variables: through the proxies, as the test's broker user, with both database passwords. */
    private Map<String, String> secretVariables(Map<String, String> more) {
        URI jdbc = URI.create(TestServices.get().jdbcUrl().substring("jdbc:".length()));
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_AMQP_URI", "amqp://" + BROKER_USER + ":" + BROKER_PASSWORD + "@127.0.0.1:"
                + broker.port() + "/" + URI.create(TestServices.get().amqpUri()).getRawPath().substring(1));
        variables.put("TASKFORK_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + database.port() + jdbc.getPath()
                + "?password=" + URL_PASSWORD);
        variables.put("TASKFORK_JDBC_PASSWORD", JDBC_PASSWORD);
        variables.put("TASKFORK_PREFETCH", "1");
        variables.put("TASKFORK_CACHE_DIR", folder.resolve("cache").toString());
        variables.putAll(more);
        return variables;
    }

    private Exit runUntilExit(Map<String, String> variables) throws Exception {
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(variables, log);
        try {
            assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).as("exited by itself").isTrue();
            return new Exit(consumer.exitValue(), read(log));
        } finally {
            consumer.destroyForcibly();
        }
    }

    private Exit runCli(Map<String, String> variables, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", CLI_JAR.toString()));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile(folder, "cli", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(variables);
        Process cli = builder.start();
        try {
            assertThat(cli.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).as("the command ends").isTrue();
            return new Exit(cli.exitValue(), read(output));
        } finally {
            cli.destroyForcibly();
        }
    }

    private record Exit(int code, String output) {
    }

    private static TaskStatus runTask() throws Exception {
        long id = submit();
        awaitTrue(() -> status(id).isTerminal(), "task " + id + " ended");
        return status(id);
    }

    private static TaskStatus status(long id) {
        return new TaskStore(environment.database()).find(id).orElseThrow().status();
    }

    private static long submit() throws Exception {
        long id = new TaskStore(environment.database()).insert(new NewTask("echo", Json.parse("{}")));
        try (Channel channel = environment.connection().createChannel()) {
            channel.basicPublish("", environment.queues().main(), new AMQP.BasicProperties.Builder()
                    .contentType(WireFormat.TEXT_PLAIN).deliveryMode(2).build(), WireFormat.taskIdBody(id));
        }
        return id;
    }

    private static String vhost() {
        String path = URI.create(TestServices.get().amqpUri()).getPath();
        return path == null || path.length() <= 1 ? "/" : path.substring(1);
    }
}
