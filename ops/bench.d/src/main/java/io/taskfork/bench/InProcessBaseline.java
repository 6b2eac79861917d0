package io.taskfork.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskOutcome;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.TaskMessage;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Phase b, the in-process baseline: what the same no-op tasks cost without isolation. A plain
 * amqp-client consumer in this JVM, with the supervisor's prefetch and as many worker threads,
 * makes the database writes the supervisor makes for a task that succeeds — the claim statement,
 * then the finish statement with the outcome — and then acks; but it calls the handler on the
 * worker thread instead of starting a child JVM.
 */
final class InProcessBaseline {

    // The supervisor's rule: a row running this much longer than the task timeout has lost its runner.
    private static final Duration STALE_MARGIN = Duration.ofMinutes(1);

    private final BenchEnvironment environment;
    private final TaskStore store;
    private final TaskHandler handler = new NoopHandler();
    private final String worker;
    private final Duration staleAfter;
    // The supervisor passes every type its children can run; this consumer runs one.
    private final Set<String> types = Set.of(NoopHandler.TYPE);
    private final Path workDirectory = Path.of(System.getProperty("java.io.tmpdir"));
    private final AtomicReference<String> firstError = new AtomicReference<>();

    InProcessBaseline(BenchEnvironment environment) {
        this.environment = environment;
        this.store = new TaskStore(environment.database());
        this.worker = host() + "/" + ProcessHandle.current().pid();
        this.staleAfter = environment.settings().child().timeout().plus(STALE_MARGIN);
    }

    PhaseResult run(int tasks, Deadline deadline) throws PhaseFailedException, IOException, InterruptedException {
        // Everything is enqueued before consuming starts, so that neither the window nor the CPU
        // time measured below holds the cost of enqueueing, which happens in this JVM too.
        List<Long> ids = environment.enqueue(tasks);
        int prefetch = BenchEnvironment.PREFETCH;
        ExecutorService workers = Executors.newFixedThreadPool(prefetch);
        Channel channel = environment.connection().createChannel();
        try {
            channel.basicQos(prefetch);
            ProcStat.Cpu before = ProcStat.self();
            Instant start = Instant.now();
            channel.basicConsume(environment.queues().main(), false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                        byte[] body) {
                    // as the supervisor does: the dispatch thread hands each delivery to a worker at once
                    workers.execute(() -> process(channel, envelope.getDeliveryTag(), properties, body));
                }
            });
            new Completion(environment.database().jdbi()).await(ids, deadline,
                    () -> Optional.ofNullable(firstError.get()));
            ProcStat.Cpu after = ProcStat.self();
            Latencies latencies = Latencies.of(environment.database().jdbi(), ids);
            double wall = Duration.between(start, latencies.lastFinished()).toNanos() / 1e9;
            double cpu = (after.own() - before.own()) / (double) Machine.clockTicks();
            return new PhaseResult(Phase.B, tasks, wall, cpu, latencies, null);
        } finally {
            if (channel.isOpen()) {
                channel.abort();
            }
            workers.shutdownNow();
            workers.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private void process(Channel channel, long deliveryTag, AMQP.BasicProperties properties, byte[] body) {
        try {
            TaskMessage message = WireFormat.parse(body, properties.getContentType(), properties.getMessageId(),
                    environment.settings().maxMessageBytes());
            if (!(message instanceof TaskMessage.Existing existing)) {
                throw new IllegalStateException("expected a task ID, got " + message);
            }
            Task task = store.attempts().claim(existing.taskId(), worker, staleAfter, types)
                    .orElseThrow(() -> new IllegalStateException("task " + existing.taskId() + " was not claimable"));
            JsonNode result = Json.MAPPER.valueToTree(handler.handle(new InProcessContext(task, workDirectory)));
            // what the supervisor records for a child that returned a result: exit code 0, its (empty) output
            TaskOutcome succeeded = new TaskOutcome(TaskStatus.SUCCEEDED, null, 0, result, null, "");
            if (!store.attempts().finish(task.id(), task.attempts(), succeeded)) {
                throw new IllegalStateException("task " + task.id() + " moved on before its outcome was recorded");
            }
            synchronized (channel) {
                channel.basicAck(deliveryTag, false);
            }
        } catch (Exception e) {
            firstError.compareAndSet(null, "the in-process consumer failed: " + e);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
