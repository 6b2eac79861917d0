package io.taskfork.shared.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The RabbitMQ and PostgreSQL that integration tests run against: the local services when they
 * answer (TASKFORK_AMQP_URI and TASKFORK_JDBC_URL, or the defaults), else containers of pinned
 * images where Docker is available, else a failure that says what is missing.
 */
public final class TestServices {

    static final String RABBITMQ_IMAGE = "rabbitmq:3.13.7-management";
    static final String POSTGRES_IMAGE = "postgres:16.4";
    private static final String DEFAULT_AMQP_URI = "amqp://guest:guest@localhost:5672/%2F";
    private static final String DEFAULT_JDBC_URL = "jdbc:postgresql://localhost:5432/postgres";
    private static final int PROBE_TIMEOUT_MS = 1_000;

    private static TestServices instance;

    private final RabbitMQContainer rabbitContainer;
    private final String amqpUri;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final String jdbcPassword;

    private TestServices(RabbitMQContainer rabbitContainer, String amqpUri, String jdbcUrl, String jdbcUser,
            String jdbcPassword) {
        this.rabbitContainer = rabbitContainer;
        this.amqpUri = amqpUri;
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
    }

    /** The services of this test JVM, found (or started) on first use. */
    public static synchronized TestServices get() {
        if (instance == null) {
            instance = find();
        }
        return instance;
    }

    public String amqpUri() {
        return amqpUri;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String jdbcUser() {
        return jdbcUser;
    }

    public String jdbcPassword() {
        return jdbcPassword;
    }

    private static TestServices find() {
        String amqpUri = env("TASKFORK_AMQP_URI", DEFAULT_AMQP_URI);
        String jdbcUrl = env("TASKFORK_JDBC_URL", DEFAULT_JDBC_URL);
        String user = env("TASKFORK_JDBC_USER", "postgres");
        String password = env("TASKFORK_JDBC_PASSWORD", "");
        boolean brokerUp = answers(URI.create(amqpUri), 5672);
        boolean databaseUp = answers(URI.create(jdbcUrl.substring("jdbc:".length())), 5432);
        if (brokerUp && databaseUp) {
            return new TestServices(null, amqpUri, jdbcUrl, user, password);
        }
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("integration tests need RabbitMQ (" + amqpUri + ": "
                    + (brokerUp ? "up" : "not answering") + ") and PostgreSQL (" + jdbcUrl + ": "
                    + (databaseUp ? "up" : "not answering") + "), or a Docker engine for Testcontainers;"
                    + " start the services (see .ci/run) or Docker, then run the tests again");
        }
        RabbitMQContainer rabbit = null;
        if (!brokerUp) {
            rabbit = new RabbitMQContainer(RABBITMQ_IMAGE);
            rabbit.start();
            amqpUri = rabbit.getAmqpUrl().replace("amqp://", "amqp://guest:guest@") + "/%2F";
        }
        if (!databaseUp) {
            PostgreSQLContainer postgres = new PostgreSQLContainer(POSTGRES_IMAGE);
            postgres.start();
            jdbcUrl = postgres.getJdbcUrl();
            user = postgres.getUsername();
            password = postgres.getPassword();
        }
        return new TestServices(rabbit, amqpUri, jdbcUrl, user, password);
    }

    /**
     * All messages in a queue, ready and unacknowledged: AMQP itself counts only the ready ones,
     * so this asks the broker's own CLI.
     */
    public long messagesIn(String queue) throws IOException, InterruptedException {
        return rabbitmqctl("list_queues", "-q", "--no-table-headers", "name", "messages").lines()
                .map(line -> line.split("\\s+"))
                .filter(fields -> fields.length == 2 && fields[0].equals(queue))
                .mapToLong(fields -> Long.parseLong(fields[1]))
                .findFirst()
                .orElseThrow(() -> new IOException("rabbitmqctl does not list queue " + queue));
    }

    /** Runs the broker's own CLI, in its container when there is one, and returns what it printed. */
    public String rabbitmqctl(String... arguments) throws IOException, InterruptedException {
        String[] command = new String[arguments.length + 1];
        command[0] = "rabbitmqctl";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        if (rabbitContainer != null) {
            ExecResult result = rabbitContainer.execInContainer(command);
            if (result.getExitCode() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + result.getStderr().strip());
            }
            return result.getStdout();
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
        return output;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static boolean answers(URI uri, int defaultPort) {
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
