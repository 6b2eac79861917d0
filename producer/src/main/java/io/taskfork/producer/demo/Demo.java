package io.taskfork.producer.demo;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.taskfork.producer.TaskPublisher;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.config.Redaction;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.config.WorkSettings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.topology.Topology;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * The main job end to end, on the configured services: a supervisor of its own, a mixed batch
 * through the producer and straight onto the queue, progress while it runs, and a table of where
 * each task ended.
 */
public final class Demo {

    private static final int PERSISTENT = 2;

    private final Settings settings;
    private final Path consumerJar;
    private final PrintStream out;
    private final QueueNames queues;

    public Demo(Settings settings, Path consumerJar, PrintStream out) {
        this.settings = settings;
        this.consumerJar = consumerJar;
        this.out = out;
        this.queues = QueueNames.of(settings.amqp().queue());
    }

    /** Runs the demo; true when every task ended where it should and the supervisor stopped cleanly. */
    public boolean run() throws IOException, InterruptedException, TimeoutException {
        out.printf("taskfork demo: queue %s, schema %s, broker %s, database %s%n", queues.main(),
                settings.db().schema(), Redaction.uri(settings.amqp().uri()),
                Redaction.jdbcUrl(settings.db().jdbcUrl()));
        try (Connection connection = Broker.connect(settings.amqp(), "taskfork-demo");
                Database database = Database.connect(settings.db(), 2, "taskfork-demo").migrate()) {
            TaskStore store = new TaskStore(database);
            emptyQueues(connection);
            int port = freePort();
            Path log = Files.createTempFile("taskfork-demo-consumer-", ".log");
            try (ConsumerProcess consumer = ConsumerProcess.start(consumerJar, consumerVariables(port), log, port)) {
                out.printf("started a supervisor: pid %d, prefetch %d, task timeout %s, child heap %s, task memory %s;"
                        + " its log is %s%n", consumer.pid(), settings.amqp().prefetch(), DemoPlan.TASK_TIMEOUT,
                        DemoPlan.CHILD_HEAP, DemoPlan.TASK_MEMORY, log);
                List<Tracked> tasks = enqueue(connection, store);
                new Progress(store, out).follow(tasks);
                DemoReport report = new DemoReport(out);
                report.table(tasks);
                long deadLetters = awaitDeadLetters(connection);
                report.metrics(consumer.metrics());
                out.println("stopping the supervisor with SIGTERM ...");
                int exitCode = consumer.stop();
                boolean passed = report.verdict(tasks, deadLetters, DemoPlan.expectedDeadLetters(), exitCode);
                out.printf("look closer: ops/taskfork status %d --db-schema %s%n", tasks.get(tasks.size() - 1).id,
                        settings.db().schema());
                return passed;
            }
        }
    }

    private List<Tracked> enqueue(Connection connection, TaskStore store)
            throws IOException, InterruptedException, TimeoutException {
        List<Tracked> tasks = new ArrayList<>();
        List<NewTask> submitted = DemoPlan.SUBMITTED.stream()
                .map(task -> new NewTask(task.type(), Json.parse(task.payload())))
                .toList();
        List<Long> ids;
        try (TaskPublisher publisher = new TaskPublisher(connection, store, queues)) {
            ids = publisher.submitAll(submitted);
        }
        for (int i = 0; i < ids.size(); i++) {
            tasks.add(new Tracked(DemoPlan.SUBMITTED.get(i), ids.get(i), null));
        }
        out.printf("submitted %d tasks through the producer (row first, then its ID with a confirm)%n", ids.size());
        try (Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            for (DemoTask task : DemoPlan.PUBLISHED_AS_JSON) {
                String messageId = "demo-" + UUID.randomUUID();
                publish(channel, task.json(), WireFormat.APPLICATION_JSON, messageId);
                tasks.add(new Tracked(task, null, messageId));
            }
            publish(channel, DemoPlan.MALFORMED_BODY, WireFormat.TEXT_PLAIN, null);
            channel.waitForConfirmsOrDie(10_000);
        }
        out.printf("published %d JSON messages and 1 malformed one (\"%s\") straight onto the queue%n",
                DemoPlan.PUBLISHED_AS_JSON.size(), DemoPlan.MALFORMED_BODY);
        return tasks;
    }

    private void publish(Channel channel, String body, String contentType, String messageId) throws IOException {
        channel.basicPublish("", queues.main(), new AMQP.BasicProperties.Builder()
                .contentType(contentType).deliveryMode(PERSISTENT).messageId(messageId).build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    // The queues are the demo's own: leftovers of an earlier run would muddle the counts.
    private void emptyQueues(Connection connection) throws IOException, TimeoutException {
        Topology.declare(connection, queues);
        try (Channel channel = connection.createChannel()) {
            channel.queuePurge(queues.main());
            channel.queuePurge(queues.dead());
            channel.queuePurge(queues.retry());
        }
    }

    // A task's row is final before its message is dead-lettered, so the count may lag a moment.
    private long awaitDeadLetters(Connection connection) throws IOException, InterruptedException, TimeoutException {
        long count = 0;
        try (Channel channel = connection.createChannel()) {
            for (int i = 0; i < 50; i++) {
                count = channel.queueDeclarePassive(queues.dead()).getMessageCount();
                if (count >= DemoPlan.expectedDeadLetters()) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        return count;
    }

    /** What the demo's supervisor is started with, on top of the environment it inherits. */
    Map<String, String> consumerVariables(int metricsPort) {
        Map<String, String> variables = new HashMap<>();
        variables.put("TASKFORK_AMQP_URI", settings.amqp().uri());
        variables.put("TASKFORK_QUEUE", queues.main());
        variables.put("TASKFORK_PREFETCH", String.valueOf(settings.amqp().prefetch()));
        variables.put("TASKFORK_JDBC_URL", settings.db().jdbcUrl());
        variables.put("TASKFORK_JDBC_USER", settings.db().user());
        variables.put("TASKFORK_JDBC_PASSWORD", settings.db().password());
        variables.put("TASKFORK_DB_SCHEMA", settings.db().schema());
        // the default folder of the demo's own schema, never one set for a real supervisor: at its start a
        // supervisor clears the folders of its schema's ended tasks, and task IDs of two schemas meet
        variables.put("TASKFORK_WORK_DIR", WorkSettings.defaultRoot(settings.db().schema()).toString());
        variables.put("TASKFORK_TASK_TIMEOUT", DemoPlan.TASK_TIMEOUT);
        variables.put("TASKFORK_TASK_MEMORY", DemoPlan.TASK_MEMORY);
        variables.put("TASKFORK_CHILD_HEAP", DemoPlan.CHILD_HEAP);
        variables.put("TASKFORK_METRICS_PORT", String.valueOf(metricsPort));
        return variables;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A demo task and its row: known at once when submitted, found by message ID when published as JSON. */
    static final class Tracked {
        final DemoTask task;
        final String messageId;
        Long id;
        Task row;

        Tracked(DemoTask task, Long id, String messageId) {
            this.task = task;
            this.id = id;
            this.messageId = messageId;
        }

        boolean done() {
            return row != null && row.status().isTerminal();
        }
    }
}
