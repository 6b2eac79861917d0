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
import io.taskfork.shared.testing.TestServices;
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
    // How often a quorum queue publishes its message counts (the broker's default quorum_tick_interval).
    private static final long QUORUM_TICK_MS = 5_000;

    private final IsolatedEnvironment environment;
    private final Supervisor supervisor;
    private final TaskStore store;
    private final Channel channel;
    private final List<GetResponse> deadLetters = new ArrayList<>();

    private SupervisorFixture(IsolatedEnvironment environment, Map<String, String> supervisorOnly)
            throws IOException, InterruptedException {
        this.environment = environment;
        this.store = new TaskStore(environment.database());
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.putAll(supervisorOnly);
        this.supervisor = new Supervisor(Settings.load(variables, Map.of())).start();
        this.channel = environment.connection().createChannel();
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
        GetResponse next;
        while ((next = channel.basicGet(environment.queues().dead(), true)) != null) {
            deadLetters.add(next);
        }
        return deadLetters.stream()
                .filter(letter -> String.valueOf(taskId).equals(header(letter, WireFormat.TASK_ID_HEADER)))
                .count();
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

    /** Waits until the main queue holds no message, ready or unacked: every delivery was acked. */
    public void awaitEveryMessageAcked() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        while (mainQueueMessagesWithUnacked() != 0) {
            if (Instant.now().isAfter(deadline)) {
                fail("the main queue still holds messages (ready or unacked) after " + WITHIN);
            }
            Thread.sleep(POLL_MS * 4);
        }
    }

    /** Messages in the main queue, ready or delivered and not yet acked, as the broker's last tick counted them. */
    public long mainQueueMessagesWithUnacked() throws IOException, InterruptedException {
        return TestServices.get().messagesIn(environment.queues().main());
    }

    /**
     * Messages in the main queue, ready or delivered and not yet acked, as they are now: a quorum
     * queue publishes its counts on its tick, every 5 s, so a tick is waited out before asking.
     */
    public long mainQueueMessagesWithUnackedSettled() throws IOException, InterruptedException {
        Thread.sleep(QUORUM_TICK_MS + 500);
        return mainQueueMessagesWithUnacked();
    }

    /** Messages ready in the main queue (delivered ones, acked or not, are not counted). */
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
