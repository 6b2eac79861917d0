package io.taskfork.consumer.testing;

import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.taskfork.consumer.supervisor.Supervisor;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
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
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A real supervisor on a fresh schema and queue, with the test handlers on its children's
 * classpath, and the means to submit tasks and look at what became of them.
 */
public final class SupervisorFixture implements AutoCloseable {

    public static final Duration WITHIN = Duration.ofSeconds(60);
    private static final long POLL_MS = 50;
    private static final long CONFIRM_TIMEOUT_MS = 10_000;
    // A message between the queue and a worker is neither ready nor in hand: a state that lasts a
    // few milliseconds is not taken for a settled one.
    private static final Duration SETTLED_FOR = Duration.ofMillis(250);

    private final IsolatedEnvironment environment;
    private final Supervisor supervisor;
    private final TaskStore store;
    private final Channel channel;
    private final List<GetResponse> deadLetters = new ArrayList<>();
    private long published;

    private SupervisorFixture(IsolatedEnvironment environment, Map<String, String> supervisorOnly)
            throws IOException, InterruptedException {
        this.environment = environment;
        this.store = new TaskStore(environment.database());
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.putAll(supervisorOnly);
        this.supervisor = new Supervisor(Settings.load(variables, Map.of())).start();
        this.channel = environment.connection().createChannel();
        // The main queue's ready count (a quorum queue's passive declare) includes a publish only
        // once the broker has applied it, which its confirm says.
        channel.confirmSelect();
    }

    /** Starts a supervisor for {@code testClass}; {@code extra} variables override the defaults. */
    public static SupervisorFixture start(Class<?> testClass, Map<String, String> extra)
            throws IOException, InterruptedException {
        return start(testClass, extra, Map.of());
    }

    /**
     * As {@link #start(Class, Map)}; {@code supervisorOnly} variables apply to the supervisor alone,
     * not to the test's own connections (a broker or database behind a proxy the test can cut).
     */
    public static SupervisorFixture start(Class<?> testClass, Map<String, String> extra,
            Map<String, String> supervisorOnly) throws IOException, InterruptedException {
        Map<String, String> variables = new HashMap<>();
        variables.put("TASKFORK_HANDLER_PATH", testClasses().toString());
        variables.putAll(extra);
        return new SupervisorFixture(IsolatedEnvironment.create(testClass, variables), supervisorOnly);
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
    public long submit(String type, String payloadJson) throws IOException, InterruptedException {
        return submit(type, payloadJson, null);
    }

    /** As {@link #submit(String, String)}, with the task's own limit of attempts (null: the supervisor's). */
    public long submit(String type, String payloadJson, Integer maxAttempts) throws IOException, InterruptedException {
        long id = store.insert(new NewTask(type, Json.parse(payloadJson), maxAttempts));
        publish(WireFormat.taskIdBody(id), new AMQP.BasicProperties.Builder()
                .contentType(WireFormat.TEXT_PLAIN).deliveryMode(2).build());
        return id;
    }

    /** Publishes to the main queue and waits for the broker's confirm. */
    public void publish(byte[] body, AMQP.BasicProperties properties) throws IOException, InterruptedException {
        channel.basicPublish("", environment.queues().main(), properties, body);
        try {
            channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
        } catch (TimeoutException e) {
            throw new IOException("no confirm for a message to " + environment.queues().main(), e);
        }
        published++;
    }

    public void publish(String body, String contentType) throws IOException, InterruptedException {
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

    /** The row once it has {@code status}; fails the test when it does not within {@link #WITHIN}. */
    public Task awaitStatus(long id, TaskStatus status) throws InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        while (Instant.now().isBefore(deadline)) {
            Optional<Task> task = store.find(id);
            if (task.isPresent() && task.get().status() == status) {
                return task.get();
            }
            Thread.sleep(POLL_MS / 5);
        }
        return fail("task " + id + " was not seen " + status.value() + " within " + WITHIN + ": " + store.find(id));
    }

    /** The ID of the newest row matching an SQL condition, once one exists. */
    public long awaitTaskWhere(String condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        while (Instant.now().isBefore(deadline)) {
            Long id = environment.database().jdbi().withHandle(handle -> handle
                    .createQuery("select max(id) from tasks where " + condition)
                    .mapTo(Long.class).one());
            if (id != null) {
                return id;
            }
            Thread.sleep(POLL_MS);
        }
        return fail("no row where " + condition + " within " + WITHIN);
    }

    /** How many dead letters of the task have been seen so far (after draining what is there). */
    public long deadLettersOf(long taskId) throws IOException {
        return deadLetters(letter -> String.valueOf(taskId).equals(header(letter, WireFormat.TASK_ID_HEADER)));
    }

    /** How many dead letters with {@code body} have been seen so far (after draining what is there). */
    public long deadLettersWithBody(String body) throws IOException {
        return deadLetters(withBody(body));
    }

    private long deadLetters(Predicate<GetResponse> matching) throws IOException {
        GetResponse next;
        while ((next = channel.basicGet(environment.queues().dead(), true)) != null) {
            deadLetters.add(next);
        }
        return deadLetters.stream().filter(matching).count();
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
        return awaitDeadLetter(withBody(body));
    }

    private static Predicate<GetResponse> withBody(String body) {
        return letter -> body.equals(new String(letter.getBody(), StandardCharsets.UTF_8));
    }

    public static String header(GetResponse letter, String name) {
        Map<String, Object> headers = letter.getProps().getHeaders();
        Object value = headers == null ? null : headers.get(name);
        return value == null ? null : value.toString();
    }

    /** Waits until exactly {@code count} children are alive. */
    public void awaitChildrenRunning(int count) throws InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        while (supervisor.childrenRunning() != count) {
            if (Instant.now().isAfter(deadline)) {
                fail(supervisor.childrenRunning() + " children running, not " + count + ", after " + WITHIN);
            }
            Thread.sleep(10);
        }
    }

    /**
     * Waits until the supervisor has sent at least as many acks as this fixture published messages,
     * holds no delivery, and the main queue has none ready, for {@link #SETTLED_FOR} on end. The
     * supervisor's own counts are exact where the broker's total of ready and unacked messages is
     * not: a quorum queue refreshes that only on its tick, every 5 s, and an old 0 let
     * this return before anything happened. The acks make it prove that the supervisor took and
     * settled what was published, so that a check after it that something did not happen cannot
     * pass without the supervisor having looked.
     */
    public void awaitEveryMessageAcked() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        Instant settledSince = null;
        while (true) {
            Instant now = Instant.now();
            if (!everyMessageAcked()) {
                settledSince = null;
            } else if (settledSince == null) {
                settledSince = now;
            } else if (!now.isBefore(settledSince.plus(SETTLED_FOR))) {
                return;
            }
            if (now.isAfter(deadline)) {
                fail("after " + WITHIN + " the supervisor has sent " + supervisor.deliveriesAcked() + " acks for "
                        + published + " messages published here, holds " + supervisor.deliveriesInHand()
                        + " deliveries, and " + mainQueueMessages() + " messages are ready in the main queue");
            }
            Thread.sleep(POLL_MS);
        }
    }

    // In hand is read first: a delivery leaves the worker's hands only after its ack is counted.
    private boolean everyMessageAcked() throws IOException {
        return supervisor.deliveriesInHand() == 0 && supervisor.deliveriesAcked() >= published
                && mainQueueMessages() == 0;
    }

    /**
     * Messages ready in the main queue (delivered ones, acked or not, are not counted), as the
     * queue's leader has them now: on RabbitMQ 3.10 a quorum queue answers a passive declare from
     * its current state, which includes every confirmed publish.
     */
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

    /** The test classes, which the fixture's children have on their handler path. */
    public static Path testClasses() {
        try {
            return Path.of(SupervisorFixture.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
