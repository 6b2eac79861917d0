package io.taskfork.consumer.supervisor;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import io.taskfork.consumer.NamedThreads;
import io.taskfork.consumer.supervisor.amqp.BoundedClose;
import io.taskfork.consumer.supervisor.amqp.ConsumerTimeout;
import io.taskfork.consumer.supervisor.amqp.DeliveryActions;
import io.taskfork.consumer.supervisor.amqp.RecoveryLog;
import io.taskfork.consumer.supervisor.amqp.TaskConsumer;
import io.taskfork.consumer.supervisor.launch.ChildLauncher;
import io.taskfork.consumer.supervisor.launch.EndedTaskFolders;
import io.taskfork.consumer.supervisor.launch.OutcomeClassifier;
import io.taskfork.consumer.supervisor.metrics.SupervisorMetrics;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.store.Workers;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.topology.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer supervisor: takes up to {@code prefetch} messages at a time and runs each task in a
 * fresh child JVM. Start with {@link #start()}, stop with {@link #stop(Duration)}.
 */
public final class Supervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration ABANDON_WAIT = Duration.ofSeconds(10);
    // how long a stop waits for a broker that has stopped answering: at the consumer's cancel, at the close
    private static final Duration CANCEL_WITHIN = Duration.ofSeconds(5);
    private static final Duration CLOSE_WITHIN = Duration.ofSeconds(3);
    // A row running this much longer than the task timeout has lost its runner: its child was
    // killed at the timeout, so running it again cannot overlap with it.
    private static final Duration STALE_MARGIN = Duration.ofMinutes(1);

    private final Settings settings;
    private final QueueNames queues;
    private final String worker;
    private final Observability observability = new Observability();

    private final AtomicBoolean stopping = new AtomicBoolean();
    private Database database;
    private Heartbeat heartbeat;
    // read by /healthz's thread, which serves from before the start is done
    private volatile Health health;
    private DeliveryProcessor processor;
    private Timers timers;
    private ChildLauncher children;
    private Connection connection;
    private Channel consuming;
    private Channel publishing;
    private ExecutorService workers;
    private DeliveryActions actions;
    private volatile TaskConsumer taskConsumer;
    private String consumerTag;
    private boolean stopped;

    public Supervisor(Settings settings) {
        this.settings = settings;
        this.queues = QueueNames.of(settings.amqp().queue());
        this.worker = WorkerName.identity();
    }

    /** Connects, migrates, learns the handler types, and starts consuming. */
    public synchronized Supervisor start() throws IOException, InterruptedException {
        if (settings.metricsPort() > 0) {
            // first: a port another process holds stops the start before it has touched a folder
            observability.listen(settings.service().metricsBind(), settings.metricsPort(), this::problems);
        }
        int prefetch = settings.amqp().prefetch();
        database = Database.connect(settings.db(), prefetch + 2, "taskfork-consumer");
        WorkDirOwner.of(database).claim(settings.child().work().root());
        database.migrate();
        OversizedMessages oversized = new OversizedMessages(settings.amqp(), queues, settings.maxMessageBytes(),
                prefetch);
        connection = Broker.connect(settings.amqp(), "taskfork-consumer " + worker, oversized.readLimit(), oversized);
        ((Recoverable) connection).addRecoveryListener(oversized);
        RecoveryLog.watch(connection, queues.main());
        Topology.declare(connection, queues);
        children = new ChildLauncher(settings.child(), settings.child().startup().standby() ? prefetch : 0,
                settings.child().memory().capBytes(hostMemoryBytes(), prefetch));
        Map<String, String> handlerTypes = children.handlerTypes();
        LOG.info("handler types: {}", String.join(", ", handlerTypes.keySet()));
        LOG.info("exec: {}", settings.child().work().execSummary());
        if (!settings.service().typeLimits().isEmpty()) {
            LOG.info("type limits: {}", settings.service().typeLimits());
            // another supervisor's handler path may have the type: said, not refused
            for (String type : settings.service().typeLimits().outside(handlerTypes.keySet())) {
                LOG.warn("TASKFORK_TYPE_LIMITS limits {}, a type no handler here has (types are named exactly)", type);
            }
        }

        consuming = connection.createChannel();
        consuming.basicQos(prefetch);
        publishing = connection.createChannel();
        publishing.confirmSelect();

        SupervisorMetrics metrics = new SupervisorMetrics(observability.registry(), children::running,
                children::standby);
        TaskStore store = new TaskStore(database);
        oversized.deadLetterWith(metrics, store);
        if (!settings.child().work().keep()) {
            EndedTaskFolders.sweepOrWarn(settings.child().work().root(), store::whileEnded);
        }
        Workers heartbeats = new Workers(database);
        heartbeat = new Heartbeat(heartbeats, worker);
        heartbeat.start();
        workers = Executors.newFixedThreadPool(prefetch, NamedThreads.of("task-worker", false));
        actions = new DeliveryActions(consuming, publishing, queues, store.schema());
        processor = new DeliveryProcessor(
                store,
                heartbeats,
                new TaskRunner(children, new OutcomeClassifier(settings.child().heap(), settings.child().timeout())),
                handlerTypes.keySet(),
                actions,
                metrics,
                new DeliveryProcessor.Policies(worker, queues.main(), settings.maxMessageBytes(),
                        settings.child().timeout().plus(STALE_MARGIN),
                        new RetryPolicy(settings.retry(), Math::random), new Patience(stopping),
                        settings.service().typeLimits()));
        timers = new Timers(new Timers.Parts(database, store, children, processor, actions, heartbeat, queues.main(),
                settings.service().outboxAge()));
        ConsumerTimeout.warnIfNotBelow(settings.child().timeout());
        health = new Health(connection, database);
        metrics.connections(health::brokerUp, health::databaseUp);
        observability.watchQueues(connection, queues, store);
        taskConsumer = new TaskConsumer(consuming, workers, processor);
        consumerTag = consuming.basicConsume(queues.main(), false, taskConsumer);
        LOG.info("supervisor {} consuming {} on {} with prefetch {}, child heap {}, task timeout {}{}", worker,
                queues.main(), RecoveryLog.node(connection), prefetch, settings.child().heap(),
                Values.format(settings.child().timeout()),
                observability.port() == 0 ? "" : ", metrics on :" + observability.port());
        return this;
    }

    /**
     * Stops taking deliveries, lets running children finish for up to {@code grace}, then kills
     * the rest (their messages are requeued), and closes everything in reverse order of opening.
     * Safe to call more than once.
     */
    public void stop(Duration grace) throws InterruptedException {
        stop(grace, new CountDownLatch(1));
    }

    /** As {@link #stop(Duration)}; once {@code hurry} is counted down, the rest of the grace is not waited for. */
    public synchronized void stop(Duration grace, CountDownLatch hurry) throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        boolean wasConsuming = consumerTag != null;
        if (wasConsuming) {
            LOG.info("stopping: no new tasks; waiting up to {} for {} running", Values.format(grace),
                    children.running());
        }
        if (timers != null) {
            timers.stopScheduling();
        }
        if (taskConsumer == null || !taskConsumer.cancelledByBroker()) {
            BoundedClose.cancel(consuming, consumerTag, CANCEL_WITHIN);
        }
        if (workers != null) {
            workers.shutdown();
            if (!Drain.finished(workers, grace, hurry)) {
                // from now on a worker waiting for the database gives up: its message is redelivered
                stopping.set(true);
                if (hurry.getCount() == 0) {
                    LOG.warn("asked again to stop: killing the children still running ({})", children.running());
                } else {
                    LOG.warn("killing {} children still running after {}", children.running(), Values.format(grace));
                }
                children.abandonAll();
                workers.awaitTermination(ABANDON_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        if (timers != null) {
            timers.stop();
        }
        // also after a start that failed on its way to consuming: else the next supervisor on the
        // host takes this one for one that died without stopping
        if (heartbeat != null) {
            heartbeat.stop();
        }
        BoundedClose.close(connection, CLOSE_WITHIN);
        observability.close();
        if (health != null) {
            health.close();
        }
        if (children != null) {
            children.close();
        }
        if (database != null) {
            database.close();
        }
        if (wasConsuming) {
            LOG.info("stopped");
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(settings.service().shutdownGrace());
    }

    /** The port /metrics is served on, or 0 when disabled. */
    public int metricsPort() {
        return observability.port();
    }

    /** Children alive now. */
    public int childrenRunning() {
        return children == null ? 0 : children.running();
    }

    /** Deliveries taken from the queue that no worker has finished with yet: held, unacked. */
    public int deliveriesInHand() {
        return taskConsumer == null ? 0 : taskConsumer.inHand();
    }

    /** Acks sent since start: see {@link DeliveryActions#acked()}. */
    public long deliveriesAcked() {
        return actions == null ? 0 : actions.acked();
    }

    public String worker() {
        return worker;
    }

    /** What keeps the supervisor from working (as of a second ago), or null when it is connected to both services. */
    String problems() {
        Health now = health;
        TaskConsumer consuming = taskConsumer;
        if (now == null) {
            return "unhealthy: starting";
        }
        String connections = now.problems();
        String consumer = consuming == null ? null : consuming.problem();
        return connections != null || consumer == null ? connections : "unhealthy: " + consumer;
    }

    // The container's limit where there is one: the JVM reads it from the cgroup.
    private static long hostMemoryBytes() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize();
    }
}
