package io.taskfork.consumer.testing;

import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.taskfork.consumer.supervisor.Supervisor;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A real supervisor on a fresh schema and queue, with the test handlers on its children's
 * classpath, and the means to submit tasks and look at what became of them.
 */
public final class SupervisorFixture implements AutoCloseable {

    public static final Duration WITHIN = Duration.ofSeconds(60);
    private static final long POLL_MS = 50;

    private final IsolatedEnvironment environment;
    private final Supervisor supervisor;
    private final TaskStore store;
    private final Channel channel;
    private final List<GetResponse> deadLetters = new ArrayList<>();

    private SupervisorFixture(IsolatedEnvironment environment) throws IOException, InterruptedException {
        this.environment = environment;
        this.store = new TaskStore(environment.database());
        this.supervisor = new Supervisor(environment.settings()).start();
        this.channel = environment.connection().createChannel();
    }

    /** Starts a supervisor for {@code testClass}; {@code extra} variables override the defaults. */
    public static SupervisorFixture start(Class<?> testClass, Map<String, String> extra)
            throws IOException, InterruptedException {
        Map<String, String> variables = new HashMap<>();
        variables.put("TASKFORK_HANDLER_PATH", testClasses().toString());
        variables.putAll(extra);
        return new SupervisorFixture(IsolatedEnvironment.create(testClass, variables));
    }

    public IsolatedEnvironment environment() {
        return environment;
    }

    public Supervisor supervisor() {
        return supervisor;
    }

    public TaskStore store() {
        return store;
    }

    /** Records a task and publishes its ID, as the producer does. */
    public long submit(String type, String payloadJson) throws IOException {
        long id = store.insert(new NewTask(type, Json.parse(payloadJson)));
        publish(WireFormat.taskIdBody(id), new AMQP.BasicProperties.Builder()
                .contentType(WireFormat.TEXT_PLAIN).deliveryMode(2).build());
        return id;
    }

    public void publish(byte[] body, AMQP.BasicProperties properties) throws IOException {
        channel.basicPublish("", environment.queues().main(), properties, body);
    }

    public void publish(String body, String contentType) throws IOException {
        publish(body.getBytes(StandardCharsets.UTF_8),
                new AMQP.BasicProperties.Builder().contentType(contentType).deliveryMode(2).build());
    }

    /** The row once it is terminal; fails the test when it is not within {@link #WITHIN}. */
    public Task awaitTerminal(long id) throws InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        while (Instant.now().isBefore(deadline)) {
            Optional<Task> task = store.find(id);
            if (task.isPresent() && task.get().status().isTerminal()) {
                return task.get();
            }
            Thread.sleep(POLL_MS);
        }
        return fail("task " + id + " is not terminal after " + WITHIN + ": " + store.find(id));
    }

    /** The first dead letter that matches, waiting for it up to {@link #WITHIN}. */
    public GetResponse awaitDeadLetter(Predicate<GetResponse> matching) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        while (Instant.now().isBefore(deadline)) {
            Optional<GetResponse> found = deadLetters.stream().filter(matching).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            GetResponse next = channel.basicGet(environment.queues().dead(), true);
            if (next != null) {
                deadLetters.add(next);
            } else {
                Thread.sleep(POLL_MS);
            }
        }
        return fail("no matching dead letter after " + WITHIN + "; seen: " + deadLetters.size());
    }

    public GetResponse awaitDeadLetterOf(long taskId) throws IOException, InterruptedException {
        return awaitDeadLetter(letter -> String.valueOf(taskId).equals(header(letter, WireFormat.TASK_ID_HEADER)));
    }

    public GetResponse awaitDeadLetterWithBody(String body) throws IOException, InterruptedException {
        return awaitDeadLetter(letter -> body.equals(new String(letter.getBody(), StandardCharsets.UTF_8)));
    }

    public static String header(GetResponse letter, String name) {
        Map<String, Object> headers = letter.getProps().getHeaders();
        Object value = headers == null ? null : headers.get(name);
        return value == null ? null : value.toString();
    }

    /** Messages in the main queue, ready or not yet acked. */
    public long mainQueueMessages() throws IOException {
        return channel.queueDeclarePassive(environment.queues().main()).getMessageCount();
    }

    @Override
    public void close() throws Exception {
        try {
            supervisor.stop(Duration.ofSeconds(5));
        } finally {
            environment.close();
        }
    }

    private static Path testClasses() {
        try {
            return Path.of(SupervisorFixture.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
