package io.taskfork.consumer.testing;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** The packaged consumer as a user runs it, {@code java -jar taskfork-consumer.jar}, and its processes. */
public final class PackagedConsumer {

    public static final Duration WITHIN = Duration.ofSeconds(60);
    private static final Path JAR = Path.of("target", "taskfork-consumer.jar");

    private PackagedConsumer() {
    }

    /** Starts the consumer jar with {@code variables} added, its output going to {@code log}, after {@code prefix}. */
    public static Process start(Map<String, String> variables, Path log, String... prefix) throws IOException {
        return start(variables, log, List.of(), prefix);
    }

    /** As {@link #start(Map, Path, String...)}, the supervisor's JVM given {@code jvmOptions}. */
    public static Process start(Map<String, String> variables, Path log, List<String> jvmOptions, String... prefix)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(prefix));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(variables);
        return builder.start();
    }

    /**
     * The children of {@code supervisor} alive now, one process each: the one it started, which
     * runs the child JVM, or, in a PID namespace, what makes the namespace ({@code taskfork-child-init}
     * or {@code unshare}).
     */
    public static List<ProcessHandle> children(Process supervisor) {
        return supervisor.children()
                .filter(process -> process.info().commandLine().orElse("").contains("ChildMain"))
                .toList();
    }

    /**
     * Whether a process still runs. An exited orphan stays a zombie until whatever adopted it reaps
     * it, which in a container may be never; a zombie runs nothing.
     */
    public static boolean isRunning(ProcessHandle process) {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        if (!Files.exists(status)) {
            return process.isAlive();
        }
        try {
            return Files.readAllLines(status).stream().noneMatch(line -> line.matches("State:\\s+Z.*"));
        } catch (IOException gone) {
            return false;
        }
    }

    /** Records a task in {@code environment} and publishes its ID, as the producer does. */
    public static long submit(IsolatedEnvironment environment, String type, String payloadJson) throws IOException {
        long id = new TaskStore(environment.database()).insert(new NewTask(type, Json.parse(payloadJson)));
        publish(environment, id);
        return id;
    }

    /** Task {@code id} of {@code environment} once it has ended. */
    public static Task awaitEnded(IsolatedEnvironment environment, long id) throws InterruptedException {
        TaskStore store = new TaskStore(environment.database());
        awaitTrue(() -> store.find(id).map(task -> task.status().isTerminal()).orElse(false), "task " + id + " ended");
        return store.find(id).orElseThrow();
    }

    /** Publishes task {@code id} to {@code environment}'s main queue. */
    public static void publish(IsolatedEnvironment environment, long id) throws IOException {
        try (Channel channel = environment.connection().createChannel()) {
            channel.basicPublish("", environment.queues().main(), new AMQP.BasicProperties.Builder()
                    .contentType(WireFormat.TEXT_PLAIN).deliveryMode(2).build(), WireFormat.taskIdBody(id));
        } catch (TimeoutException e) {
            throw new IOException("closing a channel to " + environment.queues().main(), e);
        }
    }

    public static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + WITHIN + ": " + what);
            }
            Thread.sleep(50);
        }
    }
}
