package io.taskfork.consumer;

import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.taskfork.consumer.testing.PackagedConsumer;
import io.taskfork.producer.TaskPublisher;
import io.taskfork.producer.cli.ProducerMain;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two supervisors run while tasks are submitted, resubmitted, cancelled, replayed from the
 * dead-letter queue (duplicates too) and while a supervisor is SIGKILLed, all interleaved at random;
 * at the end every task has the outcome its kind must have, and {@code audit} finds nothing. The
 * seed is printed; {@code -Dtaskfork.races.seed=N} runs the same interleaving again, and
 * {@code -Dtaskfork.races.tasks=N} makes the run longer.
 */
class RacesIT {

    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final int IDLE_REPLAYS = 12;

    private final long seed = Long.getLong("taskfork.races.seed", new Random().nextLong());
    private final int taskCount = Integer.getInteger("taskfork.races.tasks", 200);
    private final Random random = new Random(seed);
    private final Map<Long, Kind> kinds = new HashMap<>();
    private final Set<Long> cancelled = new HashSet<>();
    private final Set<Long> replayed = new HashSet<>();
    private final List<String> jsonMessages = new ArrayList<>();
    private final Map<String, Integer> actions = new HashMap<>();
    private final List<Path> logs = new ArrayList<>();
    // kept when the test fails, whose message names each log
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path logFolder;
    private final Process[] supervisors = new Process[2];
    // Two SIGKILLs, at moments drawn from the seed, while the batches are still being submitted.
    private final Set<Integer> killAt = Set.of(5 + random.nextInt(15), 20 + random.nextInt(15));
    private int interferences;
    private boolean submitting = true;
    private IsolatedEnvironment environment;
    private TaskStore store;

    /** The kinds of task, and the outcome each must end in whatever happens meanwhile. */
    private enum Kind {
        ECHO("echo", "{}", "succeeded/-"),
        SLEEP("sleep", "{\"ms\": %d}", "succeeded/-"),
        FAIL("fail", "{\"message\": \"on purpose\"}", "failed/exception"),
        CRASH("crash", "{\"mode\": \"exit\", \"code\": 7}", "crashed/exit");

        final String type;
        final String payload;
        final String outcome;

        Kind(String type, String payload, String outcome) {
            this.type = type;
            this.payload = payload;
            this.outcome = outcome;
        }
    }

    @BeforeEach
    void startTwoSupervisors() throws Exception {
        System.out.println("RacesIT: seed " + seed + ", " + taskCount + " tasks (-Dtaskfork.races.seed=" + seed
                + " runs this interleaving again)");
        environment = IsolatedEnvironment.create(RacesIT.class, Map.of("TASKFORK_RETRY_DELAY", "100ms",
                "TASKFORK_MAX_ATTEMPTS", "2", "TASKFORK_TASK_TIMEOUT", "30s"));
        store = new TaskStore(environment.database());
        startSupervisor(0);
        startSupervisor(1);
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (Process supervisor : supervisors) {
            if (supervisor != null) {
                supervisor.destroyForcibly().waitFor();
            }
        }
        environment.close();
    }

    @Test
    void everyTaskEndsAsItsKindMustAndAuditFindsNothing() throws Exception {
        Instant started = Instant.now();
        try (TaskPublisher publisher = new TaskPublisher(environment.connection(), store, environment.queues())) {
            int submitted = 0;
            while (submitted < taskCount) {
                int batch = Math.min(taskCount - submitted, 1 + random.nextInt(15));
                submit(publisher, batch);
                submitted += batch;
                for (int i = random.nextInt(3); i >= 0; i--) {
                    interfere();
                }
            }
        }
        submitting = false;
        for (String messageId : jsonMessages) {
            awaitTrue(() -> store.findByMessageId(messageId).isPresent(), "a row for message " + messageId);
            kinds.put(store.findByMessageId(messageId).orElseThrow().id(), Kind.ECHO);
        }
        // Replays and cancels go on while the last tasks run, until every task has ended.
        Instant deadline = Instant.now().plus(SETTLE);
        while (!allEnded() && Instant.now().isBefore(deadline)) {
            interfere();
        }
        awaitTrue(this::allEnded, "every task ended; not ended: " + notEnded());
        // As a user finds it: with the supervisors idle, a replayed ID reaches one of them at once.
        for (int i = 0; i < IDLE_REPLAYS; i++) {
            replayADeadTask(random.nextInt(3) == 0);
            Thread.sleep(300);
        }
        awaitTrue(this::allEnded, "every replayed task ended; not ended: " + notEnded());

        String audit = cli("audit");
        System.out.println("RacesIT: seed " + seed + ", " + kinds.size() + " tasks in "
                + Duration.between(started, Instant.now()).toSeconds() + " s; " + actions + "\n" + audit);
        if (!audit.contains("\nclean\n")) {
            // A supervisor killed between a dead letter's confirm and its record leaves the task a second,
            // late dead letter: at least once, as README says. That, and only that, may be found.
            assertThat(audit.lines().filter(line -> line.matches("[a-z_]+ +[1-9].*")).toList()).as(diagnosis())
                    .singleElement().asString().startsWith("duplicate_messages ");
            String ids = audit.lines().filter(line -> line.startsWith("duplicate_messages ")).findFirst().orElseThrow();
            Set<Long> late = lateDeadLetters();
            assertThat(ids).as("every duplicate shown").doesNotEndWith("…");
            for (String id : ids.substring(ids.lastIndexOf(':') + 1).trim().split(" +")) {
                assertThat(late).as("task %s has two dead letters; %s", id, diagnosis()).contains(Long.parseLong(id));
            }
        }
        for (Map.Entry<Long, Kind> task : kinds.entrySet()) {
            Task row = store.find(task.getKey()).orElseThrow();
            String expected = cancelled.contains(task.getKey()) ? "cancelled/-" : task.getValue().outcome;
            String failureKind = row.failureKind() == null ? "-" : row.failureKind().value();
            assertThat(row.status().value() + "/" + failureKind).as("task %d, a %s (seed %d)", row.id(),
                    task.getValue(), seed).isEqualTo(expected);
        }
    }

    private void submit(TaskPublisher publisher, int batch) throws Exception {
        List<NewTask> tasks = new ArrayList<>();
        List<Kind> batchKinds = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            batchKinds.add(kind);
            tasks.add(new NewTask(kind.type, Json.parse(String.format(kind.payload, 200 + random.nextInt(1300)))));
        }
        List<Long> ids = publisher.submitAll(tasks);
        for (int i = 0; i < ids.size(); i++) {
            kinds.put(ids.get(i), batchKinds.get(i));
        }
    }

    /** One disturbance, chosen at random, then a pause of up to 150 ms; now and then a SIGKILL. */
    private void interfere() throws Exception {
        int roll = random.nextInt(100);
        if (roll < 30) {
            replayADeadTask(false);
        } else if (roll < 40) {
            replayADeadTask(true);
        } else if (roll < 55) {
            cancelASleep();
        } else if (roll < 70 && submitting) {
            resubmitAsJsonTwice();
        }
        if (killAt.contains(++interferences)) {
            sigkillASupervisor();
        }
        Thread.sleep(random.nextInt(150));
    }

    /** {@code dlq replay} of a task that just failed or crashed, while both supervisors run. */
    private void replayADeadTask(boolean withDuplicate) throws Exception {
        List<Long> dead = environment.database().jdbi().withHandle(handle -> handle
                .createQuery("select id from tasks where status in ('failed', 'crashed') and dead_lettered_at is not null"
                        + " and not (id = any(:replayed)) order by finished_at desc limit 5")
                .bindArray("replayed", Long.class, replayed)
                .mapTo(Long.class).list());
        if (dead.isEmpty()) {
            return;
        }
        long id = dead.get(random.nextInt(dead.size()));
        if (withDuplicate) {
            // a second dead letter of the same task, as a supervisor killed before its ack leaves one
            try (Channel channel = environment.connection().createChannel()) {
                channel.basicPublish("", environment.queues().dead(), WireFormat.taskIdProperties(id)
                        .headers(Map.of(WireFormat.REASON_HEADER, "exit", WireFormat.TASK_ID_HEADER, id)).build(),
                        WireFormat.taskIdBody(id));
            }
        }
        replayed.add(id);
        cli("dlq", "replay", Long.toString(id));
        count(withDuplicate ? "replay with a duplicate" : "replay");
    }

    private void cancelASleep() {
        List<Long> sleeps = kinds.entrySet().stream().filter(task -> task.getValue() == Kind.SLEEP)
                .map(Map.Entry::getKey).filter(id -> !cancelled.contains(id))
                .filter(id -> !store.find(id).orElseThrow().status().isTerminal()).toList();
        if (sleeps.isEmpty()) {
            return;
        }
        long id = sleeps.get(random.nextInt(sleeps.size()));
        if (cli("cancel", Long.toString(id)).startsWith("task " + id + " cancelled")) {
            cancelled.add(id);
            count("cancel");
        }
    }

    /** A script's JSON message published twice with one message_id: one task. */
    private void resubmitAsJsonTwice() throws Exception {
        String messageId = "races-" + seed + "-" + kinds.size() + "-" + random.nextInt(1_000_000);
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType(WireFormat.APPLICATION_JSON)
                .deliveryMode(2).messageId(messageId).build();
        byte[] body = "{\"type\": \"echo\", \"payload\": {\"twice\": true}}".getBytes(StandardCharsets.UTF_8);
        try (Channel channel = environment.connection().createChannel()) {
            channel.basicPublish("", environment.queues().main(), properties, body);
            channel.basicPublish("", environment.queues().main(), properties, body);
        }
        jsonMessages.add(messageId);
        count("json twice");
    }

    /** SIGKILL, then a restart on the same host a moment later, which runs the dead one's tasks again at once. */
    private void sigkillASupervisor() throws Exception {
        int which = random.nextInt(2);
        supervisors[which].destroyForcibly().waitFor();
        Thread.sleep(200 + random.nextInt(1000));
        startSupervisor(which);
        count("sigkill");
    }

    private void startSupervisor(int which) throws Exception {
        Path log = Files.createTempFile(logFolder, "races-supervisor-" + which + "-", ".log");
        logs.add(log);
        supervisors[which] = PackagedConsumer.start(environment.environment(), log);
        awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "supervisor started");
    }

    private boolean allEnded() {
        return notEnded().isEmpty();
    }

    private List<Long> notEnded() {
        return kinds.keySet().stream().filter(id -> !store.find(id).orElseThrow().status().isTerminal())
                .sorted().toList();
    }

    private void count(String action) {
        actions.merge(action, 1, Integer::sum);
    }

    /** Runs a producer command as a user would and returns what it printed, stdout then stderr. */
    private String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProducerMain.run(args, environment.environment(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    /** The tasks a supervisor dead-lettered late, on a redelivery, its first dead letter unrecorded. */
    private Set<Long> lateDeadLetters() {
        Set<Long> ids = new HashSet<>();
        java.util.regex.Pattern late = java.util.regex.Pattern.compile(
                "task (\\d+) is already \\S+ but its dead letter was never confirmed");
        for (Path log : logs) {
            java.util.regex.Matcher found = late.matcher(read(log));
            while (found.find()) {
                ids.add(Long.parseLong(found.group(1)));
            }
        }
        return ids;
    }

    private String diagnosis() {
        StringBuilder text = new StringBuilder("seed " + seed + "; supervisor logs:\n");
        logs.forEach(log -> text.append("--- ").append(log).append('\n')
                .append(read(log).lines().filter(line -> line.contains("WARN") || line.contains("ERROR")
                        || line.contains("unknown-type")).limit(40).reduce("", (a, b) -> a + b + "\n")));
        return text.toString();
    }
}
