package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.taskfork.consumer.testing.ProducerCli;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.topology.QueueNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README, "A fast lane": a second main queue with supervisors of its own, on the same database. A
 * task sent there runs there, and its due time is kept by that queue's supervisors alone.
 */
class NamedPoolsIT {

    private static SupervisorFixture fixture;
    private static Supervisor fastLane;
    private static QueueNames fast;

    @BeforeAll
    static void startBothLanes() throws Exception {
        fixture = SupervisorFixture.start(NamedPoolsIT.class, Map.of());
        fast = QueueNames.of(fixture.environment().queues().main() + ".fast");
        Map<String, String> variables = new HashMap<>(fixture.environment().environment());
        variables.put("TASKFORK_QUEUE", fast.main());
        fastLane = new Supervisor(Settings.load(variables, Map.of())).start();
    }

    @AfterAll
    static void stopBothLanes() throws Exception {
        try {
            fastLane.stop(Duration.ofSeconds(10));
            try (Channel channel = fixture.environment().connection().createChannel()) {
                for (String queue : new String[] {fast.main(), fast.dead(), fast.retry()}) {
                    channel.queueDelete(queue);
                }
            }
        } finally {
            fixture.close();
        }
    }

    @Test
    void aTaskSentToAnotherQueueRunsOnThatQueuesSupervisors() throws Exception {
        long fastTask = submit("--queue", fast.main());
        long slowTask = submit();

        assertThat(ran(fastTask).worker()).isEqualTo(fastLane.worker());
        assertThat(ran(fastTask).options().queue()).isEqualTo(fast.main());
        assertThat(ran(slowTask).worker()).isEqualTo(fixture.supervisor().worker());
    }

    @Test
    void anEnqueueLineNamesItsQueue() throws Exception {
        Path lines = Files.createTempFile("pools", ".jsonl");
        Files.writeString(lines, "{\"type\":\"echo\",\"queue\":\"" + fast.main() + "\"}\n");
        long id = Long.parseLong(cli("enqueue", lines.toString()).strip());
        Files.delete(lines);

        assertThat(ran(id).worker()).isEqualTo(fastLane.worker());
    }

    @Test
    void aDelayedTaskOfAnotherQueueIsPublishedByThatQueuesScheduler() throws Exception {
        long id = submit("--queue", fast.main(), "--delay", "1s");

        Task task = ran(id);

        assertThat(task.worker()).isEqualTo(fastLane.worker());
        assertThat(task.startedAt()).isAfterOrEqualTo(task.options().runAt());
    }

    @Test
    void aQueueNameOutsideTheRuleIsAUsageError() {
        ProducerCli run = ProducerCli.run(fixture.environment().environment(),
                "submit", "--type", "echo", "--queue", "two words");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--queue").contains("\"two words\"");

        // the main queue's retry queue: declared as a main queue it would be refused, and deleted on the advice
        String retry = fixture.environment().queues().retry();
        ProducerCli own = ProducerCli.run(fixture.environment().environment(), "submit", "--type", "echo",
                "--queue", retry);
        assertThat(own.code()).isEqualTo(2);
        assertThat(own.err()).contains("--queue").contains("a name that ends in .retry is that of a main queue's"
                + " retry queue, here " + fixture.environment().queues().main() + "'s; name the main queue");
    }

    private static long submit(String... options) {
        String[] args = new String[options.length + 3];
        args[0] = "submit";
        args[1] = "--type";
        args[2] = "echo";
        System.arraycopy(options, 0, args, 3, options.length);
        return Long.parseLong(cli(args).strip());
    }

    private static Task ran(long id) throws InterruptedException {
        Task task = fixture.awaitTerminal(id);
        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        return task;
    }

    private static String cli(String... args) {
        ProducerCli run = ProducerCli.run(fixture.environment().environment(), args);
        assertThat(run.code()).as(run.err()).isZero();
        return run.out();
    }
}
