package io.taskfork.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.taskfork.producer.TaskPublisher;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.config.Setting;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.config.WorkSettings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.topology.Topology;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bench's own queues and schema, made fresh at the start (so stale messages or rows cannot
 * interfere) and removed at the end; and the connections the bench itself uses: a database pool,
 * a broker connection, and a publisher that enqueues as a user's producer would.
 */
final class BenchEnvironment implements AutoCloseable {

    // Named for this run, so that two runs at once (ops/bench beside BenchIT, say) take none of each other's tasks.
    private static final String RUN = String.format("%08x", new java.security.SecureRandom().nextInt());
    static final String QUEUE = "taskfork.bench." + RUN;
    static final String SCHEMA = "taskfork_bench_" + RUN;
    static final int PREFETCH = 4;
    private static final String NAME = "taskfork-bench";
    private static final int CLOSE_TIMEOUT_MS = 5_000;

    private final Settings settings;
    private final QueueNames queues;
    private final Database database;
    private final Connection connection;
    private final TaskPublisher publisher;

    private BenchEnvironment(Settings settings, Database database, Connection connection, TaskPublisher publisher) {
        this.settings = settings;
        this.queues = QueueNames.of(settings.amqp().queue());
        this.database = database;
        this.connection = connection;
        this.publisher = publisher;
    }

    /** The environment with the bench's queue, schema and prefetch in place of whatever was set. */
    static Map<String, String> variables(Map<String, String> environment) {
        Map<String, String> variables = new HashMap<>(environment);
        variables.put(Setting.QUEUE.variable(), QUEUE);
        variables.put(Setting.DB_SCHEMA.variable(), SCHEMA);
        variables.put(Setting.PREFETCH.variable(), Integer.toString(PREFETCH));
        return Collections.unmodifiableMap(variables);
    }

    /** Drops and migrates the schema, deletes and declares the queues, and opens a publisher. */
    static BenchEnvironment open(Settings settings) throws IOException {
        // the supervisor's pool size: prefetch workers and two more
        Database database = Database.connect(settings.db(), PREFETCH + 2, NAME);
        Connection connection = null;
        try {
            dropSchema(database);
            database.migrate();
            connection = Broker.connect(settings.amqp(), NAME);
            QueueNames queues = QueueNames.of(settings.amqp().queue());
            deleteQueues(connection, queues);
            Topology.declare(connection, queues);
            return new BenchEnvironment(settings, database, connection,
                    new TaskPublisher(connection, new TaskStore(database), queues));
        } catch (IOException | RuntimeException e) {
            if (connection != null) {
                connection.abort(CLOSE_TIMEOUT_MS);
            }
            database.close();
            throw e;
        }
    }

    Settings settings() {
        return settings;
    }

    QueueNames queues() {
        return queues;
    }

    Database database() {
        return database;
    }

    Connection connection() {
        return connection;
    }

    /** Records {@code count} no-op tasks and publishes their IDs with confirms, through the producer library. */
    List<Long> enqueue(int count) {
        List<NewTask> tasks = Collections.nCopies(count, new NewTask(NoopHandler.TYPE, Json.MAPPER.createObjectNode()));
        return publisher.submitAll(tasks);
    }

    /** Deletes the queues, drops the schema, and removes the run's work folder once its supervisors left it empty. */
    @Override
    public void close() throws IOException {
        try {
            publisher.close();
            deleteQueues(connection, queues);
            dropSchema(database);
            try {
                // the owner's file goes with the schema it names
                java.nio.file.Files.deleteIfExists(settings.child().work().root().resolve(WorkSettings.OWNER_FILE));
                java.nio.file.Files.deleteIfExists(settings.child().work().root());
            } catch (java.nio.file.DirectoryNotEmptyException kept) {
                // a supervisor keeps task folders on request (TASKFORK_KEEP_WORKDIRS): they stay
            }
        } finally {
            connection.abort(CLOSE_TIMEOUT_MS);
            database.close();
        }
    }

    private static void dropSchema(Database database) {
        database.jdbi().useHandle(handle -> handle.execute("drop schema if exists " + database.schema() + " cascade"));
    }

    private static void deleteQueues(Connection connection, QueueNames queues) throws IOException {
        for (String queue : List.of(queues.main(), queues.retry(), queues.dead())) {
            Channel channel = connection.createChannel();
            try {
                channel.queueDelete(queue);
            } finally {
                if (channel.isOpen()) {
                    channel.abort();
                }
            }
        }
    }
}
