package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.topology.Topology;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.WireFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code audit} against real rows and real queues: each finding, each repair, and a look that wears nothing. */
class AuditIT {

    private static final Map<String, Object> AT_THE_LIMIT = Map.of(WireFormat.REASON_HEADER,
            DeadLetterReason.DELIVERY_LIMIT.value());

    private IsolatedEnvironment environment;
    private TaskStore store;
    private Channel channel;

    @BeforeEach
    void createEnvironment() throws Exception {
        environment = IsolatedEnvironment.create(AuditIT.class);
        Topology.declare(environment.connection(), environment.queues());
        store = new TaskStore(environment.database());
        channel = environment.connection().createChannel();
        channel.confirmSelect();
    }

    @AfterEach
    void dropEnvironment() throws Exception {
        channel.close();
        environment.close();
    }

    @Test
    void queuedTaskWithItsMessageIsCleanAndExitsZero() throws Exception {
        long id = queuedAndPublished();
        publish(environment.queues().main(), id, Map.of());

        CliRun audit = audit();

        assertThat(audit.exitCode()).as(audit.out()).isZero();
        assertThat(audit.outLines()).last().isEqualTo("clean");
    }

    @Test
    void queuedTaskWithNoMessageIsLostAndRepairPublishesItAgain() throws Exception {
        long id = queuedAndPublished();

        CliRun found = audit();
        CliRun repaired = audit("--repair");

        assertThat(found.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(found.out()).containsPattern("lost +1 .*: " + id + "\\n");
        assertThat(repaired.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(repaired.out()).contains("task " + id + ": published again");
        GetResponse published = channel.basicGet(environment.queues().main(), true);
        assertThat(taskIdOf(published)).isEqualTo(id);
        assertThat(WireFormat.schemaOf(published.getProps().getHeaders())).isEqualTo(environment.database().schema());
        assertThat(publishedAt(id)).as("its publish is recorded").isTrue();
    }

    @Test
    void aMessageOfAnotherSchemasTaskWithTheSameIdDoesNotHideALostTask() throws Exception {
        long id = queuedAndPublished();
        publish(environment.queues().main(), id, Map.of(WireFormat.SCHEMA_HEADER, "another_installation"));

        CliRun found = audit();

        assertThat(found.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(found.out()).containsPattern("lost +1 .*: " + id + "\\n");
    }

    @Test
    void aMalformedLetterWhoseMessageIdMadeAnotherTaskIsNoLetterOfThatTask() throws Exception {
        long id = store.createFromMessage(new NewTask("echo", Json.parse("{\"n\": 1}")), "m-1").task().id();
        sql("update tasks set status = 'succeeded', attempts = 1, finished_at = now() where id = " + id);
        AMQP.BasicProperties letter = new AMQP.BasicProperties.Builder().contentType(WireFormat.APPLICATION_JSON)
                .messageId("m-1").deliveryMode(2).headers(Map.of(WireFormat.REASON_HEADER,
                        DeadLetterReason.MALFORMED.value(), WireFormat.DETAIL_HEADER, "its message_id m-1 made task "
                                + id + " from another message"))
                .build();
        channel.basicPublish("", environment.queues().dead(), letter,
                "{\"type\": \"echo\", \"payload\": {\"n\": 2}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(5_000);

        CliRun audit = audit();

        assertThat(audit.out()).containsPattern("dead_letter_not_ended +0 ");
        assertThat(audit.exitCode()).as(audit.out()).isZero();
    }

    /** A named pool's rows have their messages in that pool's queue: the audit of another leaves them. */
    @Test
    void rowsOfAnotherQueueAreNotThisAuditsToJudge() throws Exception {
        long elsewhere = queuedAndPublished();
        long crashed = queuedAndPublished();
        sql("update tasks set queue = 'another.lane' where id in (" + elsewhere + ", " + crashed + ")");
        sql("update tasks set status = 'crashed', failure_kind = 'exit', finished_at = now() where id = " + crashed);

        long own = queuedAndPublished();
        publish(environment.queues().main(), own, Map.of());

        CliRun audit = audit();

        assertThat(audit.exitCode()).as(audit.out()).isEqualTo(ExitCodes.OK);
        assertThat(audit.outLines()).first().asString().as("its own rows counted, not the other pool's")
                .startsWith("1 task; ").endsWith("; 0 consumers on " + environment.queues().main());
    }

    @Test
    void queuedTaskWhosePublishIsOwedIsNotLost() throws Exception {
        store.insert(new NewTask("echo", Json.parse("{}")));

        assertThat(audit().exitCode()).as("the outbox owes it its message").isZero();
    }

    @Test
    void runningTaskOfADeadSupervisorIsGivenBackAndPublished() throws Exception {
        long id = queuedAndPublished();
        sql("update tasks set status = 'running', attempts = 1, worker = 'gone/1', started_at = now() where id = " + id);

        CliRun found = audit();
        CliRun repaired = audit("--repair");

        assertThat(found.out()).containsPattern("dead_supervisor +1 .*: " + id + "\\n");
        assertThat(repaired.out()).contains("task " + id + ": given back by dead supervisor gone/1 and published again");
        assertThat(store.find(id).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(taskIdOf(channel.basicGet(environment.queues().main(), true))).isEqualTo(id);
    }

    /** As after its supervisor was killed with it at each of its deliveries, and the broker's limit took the last. */
    @Test
    void runningTaskOfADeadSupervisorWhoseOnlyMessageIsADeadLetterEndsFailedAsDeliveryLimit() throws Exception {
        long id = queuedAndPublished();
        sql("update tasks set status = 'running', attempts = 9, worker = 'gone/1', started_at = now()"
                + " where id = " + id);
        publish(environment.queues().dead(), id, AT_THE_LIMIT);

        CliRun found = audit();
        CliRun repaired = audit("--repair");

        assertThat(found.out()).containsPattern("dead_supervisor +1 .*: " + id + "\\n");
        assertThat(repaired.out()).contains("task " + id + ": left running by dead supervisor gone/1, its only"
                + " message is a dead letter in " + environment.queues().dead() + "; failed as delivery-limit")
                .doesNotContain("its message is in");
        assertEndedAtTheDeliveryLimitWithItsDeadLetterKept(id);
    }

    @Test
    void queuedTaskWhoseOnlyMessageIsADeadLetterIsLostAndRepairEndsItFailedAsDeliveryLimit() throws Exception {
        long id = queuedAndPublished();
        publish(environment.queues().dead(), id, Map.of(WireFormat.TASK_ID_HEADER, id,
                WireFormat.REASON_HEADER, DeadLetterReason.DELIVERY_LIMIT.value()));

        CliRun found = audit();
        CliRun repaired = audit("--repair");

        assertThat(found.out()).as("a dead letter runs nothing").containsPattern("lost +1 .*: " + id + "\\n");
        assertThat(repaired.out()).contains("task " + id + ": its only message is a dead letter in "
                + environment.queues().dead() + "; failed as delivery-limit");
        assertEndedAtTheDeliveryLimitWithItsDeadLetterKept(id);
    }

    @Test
    void queuedTaskWhoseOnlyMessageIsADeadLetterOfAnotherReasonIsPublishedAgain() throws Exception {
        // as a task put back to run after it crashed, its old dead letter still there, its message held by a supervisor
        long id = queuedAndPublished();
        publish(environment.queues().dead(), id, Map.of(WireFormat.REASON_HEADER, "crashed"));

        CliRun repaired = audit("--repair");

        assertThat(repaired.out()).contains("task " + id + ": published again");
        assertThat(store.find(id).orElseThrow().status()).as("not ended").isEqualTo(TaskStatus.QUEUED);
        assertThat(taskIdOf(channel.basicGet(environment.queues().main(), true))).isEqualTo(id);
    }

    private void assertEndedAtTheDeliveryLimitWithItsDeadLetterKept(long id) throws Exception {
        Task ended = store.find(id).orElseThrow();
        assertThat(ended.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(ended.failureKind()).isEqualTo(FailureKind.DELIVERY_LIMIT);
        assertThat(channel.queueDeclarePassive(environment.queues().main()).getMessageCount())
                .as("not published again").isZero();
        assertThat(channel.queueDeclarePassive(environment.queues().dead()).getMessageCount())
                .as("its dead letter kept for dlq replay").isEqualTo(1);
        CliRun after = audit();
        assertThat(after.outLines()).as(after.out()).last().isEqualTo("clean");
    }

    @Test
    void runningTaskWhoseHandlerHadReturnedIsRecordedSucceeded() throws Exception {
        long id = queuedAndPublished();
        sql("update tasks set status = 'running', attempts = 1, worker = 'gone/1', started_at = now(),"
                + " result = '{\"done\": true}' where id = " + id);

        CliRun repaired = audit("--repair");

        assertThat(repaired.out()).contains("task " + id + ": recorded as succeeded");
        assertThat(store.find(id).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(channel.basicGet(environment.queues().main(), true)).as("not published again").isNull();
    }

    @Test
    void crashedTaskWithoutADeadLetterAndADeadLetterOfASucceededTaskAreFound() throws Exception {
        long crashed = queuedAndPublished();
        sql("update tasks set status = 'crashed', failure_kind = 'exit', finished_at = now() where id = " + crashed);
        long succeeded = queuedAndPublished();
        sql("update tasks set status = 'succeeded', finished_at = now() where id = " + succeeded);
        publish(environment.queues().dead(), succeeded, Map.of(WireFormat.TASK_ID_HEADER, succeeded));

        CliRun audit = audit("--repair");

        assertThat(audit.out()).containsPattern("no_dead_letter +1 .*: " + crashed + "\\n")
                .containsPattern("dead_letter_not_ended +1 .*: " + succeeded + "\\n");
        assertThat(store.find(crashed).orElseThrow().status()).as("--repair leaves these alone")
                .isEqualTo(TaskStatus.CRASHED);
        assertThat(channel.queueDeclarePassive(environment.queues().dead()).getMessageCount()).isEqualTo(1);
    }

    @Test
    void twoMessagesForOneTaskAreADuplicate() throws Exception {
        long id = queuedAndPublished();
        publish(environment.queues().main(), id, Map.of());
        publish(environment.queues().retry(), id, Map.of());

        CliRun audit = audit("--json");

        assertThat(Json.parse(audit.out()).path("findings").path("duplicate_messages").get(0).asLong()).isEqualTo(id);
        assertThat(Json.parse(audit.out()).path("clean").asBoolean()).isFalse();
    }

    @Test
    void aLookGivesTheMainQueuesMessagesBackWithTheirDeliveryCountsCarried() throws Exception {
        long id = queuedAndPublished();
        publish(environment.queues().main(), id, Map.of("x-taskfork-prior-deliveries", 2));

        audit();
        audit();
        GetResponse message = channel.basicGet(environment.queues().main(), true);

        assertThat(taskIdOf(message)).isEqualTo(id);
        assertThat(WireFormat.deliveriesBefore(message.getProps().getHeaders(), true)).as("two looks counted none")
                .isEqualTo(2);
    }

    private CliRun audit(String... flags) {
        String[] args = new String[flags.length + 1];
        args[0] = "audit";
        System.arraycopy(flags, 0, args, 1, flags.length);
        return CliRun.of(environment.environment(), args);
    }

    private long queuedAndPublished() {
        long id = store.insert(new NewTask("echo", Json.parse("{}")));
        store.outbox().markPublished(java.util.List.of(id));
        return id;
    }

    private void publish(String queue, long id, Map<String, Object> headers) throws Exception {
        AMQP.BasicProperties properties = WireFormat.taskIdProperties(id).headers(headers).build();
        channel.basicPublish("", queue, properties, WireFormat.taskIdBody(id));
        channel.waitForConfirmsOrDie(5_000);
    }

    private boolean publishedAt(long id) {
        return environment.database().jdbi().withHandle(handle -> handle
                .createQuery("select published_at is not null from tasks where id = :id")
                .bind("id", id).mapTo(Boolean.class).one());
    }

    private void sql(String statement) {
        environment.database().jdbi().useHandle(handle -> handle.execute(statement));
    }

    private static long taskIdOf(GetResponse message) {
        assertThat(message).as("a message").isNotNull();
        return Long.parseLong(new String(message.getBody(), java.nio.charset.StandardCharsets.US_ASCII));
    }
}
