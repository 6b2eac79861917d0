package io.taskfork.shared.testing;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.config.WorkSettings;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.topology.QueueNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A fresh schema and a fresh set of queues on the test services, for one test class: runs never
 * see each other's rows or messages. {@link #close()} drops both.
 */
public final class IsolatedEnvironment implements AutoCloseable {

    private final Map<String, String> environment;
    private final Settings settings;
    private final Connection connection;
    private final Database database;

    private IsolatedEnvironment(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        this.settings = Settings.load(this.environment, Map.of());
        this.connection = Broker.connect(settings.amqp(), "taskfork-test");
        this.database = Database.connect(settings.db(), 2, "taskfork-test").migrate();
    }

    /** An environment named after the test class; {@code extra} variables are added or override. */
    public static IsolatedEnvironment create(Class<?> testClass, Map<String, String> extra) {
        TestServices services = TestServices.get();
        String unique = testClass.getSimpleName().toLowerCase(Locale.ROOT) + "_"
                + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> environment = new HashMap<>();
        environment.put("TASKFORK_AMQP_URI", services.amqpUri());
        environment.put("TASKFORK_JDBC_URL", services.jdbcUrl());
        environment.put("TASKFORK_JDBC_USER", services.jdbcUser());
        environment.put("TASKFORK_JDBC_PASSWORD", services.jdbcPassword());
        environment.put("TASKFORK_DB_SCHEMA", "it_" + unique);
        environment.put("TASKFORK_QUEUE", "it." + unique);
        environment.put("TASKFORK_METRICS_PORT", "0");
        environment.putAll(extra);
        return new IsolatedEnvironment(environment);
    }

    public static IsolatedEnvironment create(Class<?> testClass) {
        return create(testClass, Map.of());
    }

    /** The variables a process started for this environment should see. */
    public Map<String, String> environment() {
        return environment;
    }

    public Settings settings() {
        return settings;
    }

    public QueueNames queues() {
        return QueueNames.of(settings.amqp().queue());
    }

    /** A broker connection for the test's own publishing and inspection. */
    public Connection connection() {
        return connection;
    }

    public Database database() {
        return database;
    }

    @Override
    public void close() throws IOException, TimeoutException {
        try (Channel channel = connection.createChannel()) {
            QueueNames queues = queues();
            channel.queueDelete(queues.main());
            channel.queueDelete(queues.dead());
            channel.queueDelete(queues.retry());
        } finally {
            database.jdbi().useHandle(handle -> handle.execute("drop schema if exists "
                    + settings.db().schema() + " cascade"));
            database.close();
            connection.close();
            deleteDefaultWorkFolder(settings.db().schema());
        }
    }

    /**
     * The schema's default work folder: supervisors the test killed left their standby folders in
     * it, which only a later supervisor of the same schema, never to come, would sweep. A work
     * folder set in the environment is not this class's to remove.
     */
    private static void deleteDefaultWorkFolder(String schema) throws IOException {
        Path folder = WorkSettings.defaultRoot(schema);
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
