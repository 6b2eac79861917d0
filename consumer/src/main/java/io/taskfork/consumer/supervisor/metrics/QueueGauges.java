package io.taskfork.consumer.supervisor.metrics;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.taskfork.consumer.NamedThreads;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.topology.QueueNames;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The depth of the queues, sampled from the broker, and the age of the oldest waiting task,
 * sampled from the database, every few seconds on a thread of their own: a broker or a database
 * that is away makes a sample wait, never a scrape. A value that cannot be sampled reads NaN.
 */
public final class QueueGauges implements AutoCloseable {

    public static final String MESSAGES = "taskfork.queue.messages";
    public static final String CONSUMERS = "taskfork.queue.consumers";
    public static final String OLDEST_WAITING = "taskfork.queue.oldest.waiting";
    static final Duration EVERY = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(QueueGauges.class);

    private final Connection connection;
    private final TaskStore store;
    private final Map<String, String> queuesByRole = new LinkedHashMap<>();
    private final Map<String, AtomicReference<Double>> messages = new LinkedHashMap<>();
    private final Map<String, AtomicReference<Double>> consumers = new LinkedHashMap<>();
    private final AtomicReference<Double> oldestWaiting = new AtomicReference<>(Double.NaN);
    private final ScheduledExecutorService sampler =
            Executors.newSingleThreadScheduledExecutor(NamedThreads.of("queue-sampler", true));
    private Channel channel;

    public QueueGauges(MeterRegistry registry, Connection connection, QueueNames queues, TaskStore store) {
        this.connection = connection;
        this.store = store;
        queuesByRole.put("main", queues.main());
        queuesByRole.put("retry", queues.retry());
        queuesByRole.put("dead", queues.dead());
        queuesByRole.forEach((role, queue) -> {
            messages.put(role, register(registry, MESSAGES, role, queue, "Messages ready in the queue, as the broker counts them"));
            consumers.put(role, register(registry, CONSUMERS, role, queue, "Consumers of the queue, as the broker counts them"));
        });
        Gauge.builder(OLDEST_WAITING, () -> oldestWaiting.get())
                .description("Age of the oldest task of this supervisor's queue waiting to run (queued or retrying),"
                        + " 0 when none")
                .baseUnit("seconds")
                .register(registry);
        sampler.scheduleWithFixedDelay(this::sample, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static AtomicReference<Double> register(MeterRegistry registry, String name, String role, String queue,
            String description) {
        AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
        Gauge.builder(name, () -> value.get())
                .description(description)
                .tag("role", role)
                .tag("queue", queue)
                .register(registry);
        return value;
    }

    private void sample() {
        sampleBroker();
        try {
            oldestWaiting.set(store.oldestWaiting(queuesByRole.get("main")).map(age -> age.toMillis() / 1000.0)
                    .orElse(0.0));
        } catch (RuntimeException e) {
            oldestWaiting.set(Double.NaN);
        }
    }

    // Each queue on its own: a queue deleted under us closes the channel, and must not blank the others.
    private void sampleBroker() {
        for (Map.Entry<String, String> queue : queuesByRole.entrySet()) {
            try {
                if (channel == null || !channel.isOpen()) {
                    channel = connection.createChannel();
                }
                AMQP.Queue.DeclareOk counts = channel.queueDeclarePassive(queue.getValue());
                messages.get(queue.getKey()).set((double) counts.getMessageCount());
                consumers.get(queue.getKey()).set((double) counts.getConsumerCount());
            } catch (Exception e) {
                // a broker that is away: unknown until the next sample. A queue that is gone has no
                // consumer for sure, which TaskforkNoConsumers must see: NaN == 0 is no alert.
                LOG.debug("sampling queue {}: {}", queue.getValue(), e.toString());
                messages.get(queue.getKey()).set(Double.NaN);
                consumers.get(queue.getKey()).set(Broker.isQueueNotFound(e) ? 0.0 : Double.NaN);
            }
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
