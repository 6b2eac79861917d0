package io.taskfork.consumer.supervisor;

import static io.taskfork.consumer.testing.SupervisorFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Messages any AMQP client may publish, good and bad: bad ones are dead-lettered with a reason and
 * never stall the supervisor; JSON ones create their row.
 */
class BadMessagesIT {

    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(BadMessagesIT.class, Map.of("TASKFORK_MAX_MESSAGE", "4k"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @AfterEach
    void supervisorStillServesTheNextTask() throws Exception {
        assertThat(fixture.awaitTerminal(fixture.submit("echo", "{}")).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void bodyThatIsNotATaskIdIsDeadLetteredAsMalformed() throws Exception {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        ((Logger) LoggerFactory.getLogger(Fates.class)).addAppender(lines);
        Instant sent = Instant.now();
        fixture.publish("hello, world", WireFormat.TEXT_PLAIN);

        GetResponse letter = fixture.awaitDeadLetterWithBody("hello, world");
        String line = "a message of 12 bytes on " + fixture.environment().queues().main() + " dead-lettered to "
                + fixture.environment().queues().dead() + " as malformed: " + header(letter, WireFormat.DETAIL_HEADER);
        // the line comes after the ack, a moment after the letter
        for (int i = 0; i < 50 && lines.list.stream().noneMatch(said -> said.getFormattedMessage().equals(line));
                i++) {
            Thread.sleep(100);
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).contains(line);
        ((Logger) LoggerFactory.getLogger(Fates.class)).detachAppender(lines);

        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("malformed");
        assertThat(Instant.parse(header(letter, WireFormat.DEAD_AT_HEADER))).as("when, with no row to say it")
                .isBetween(sent.minusSeconds(5), Instant.now());
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).contains("neither a task ID");
        assertThat(letter.getProps().getContentType()).isEqualTo(WireFormat.TEXT_PLAIN);
    }

    @Test
    void badJsonIsDeadLetteredAsMalformed() throws Exception {
        fixture.publish("{\"type\": \"echo\", ", WireFormat.APPLICATION_JSON);

        GetResponse letter = fixture.awaitDeadLetterWithBody("{\"type\": \"echo\", ");

        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("malformed");
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).startsWith("bad JSON");
    }

    /** A value the parse takes and PostgreSQL does not (a NUL in the message ID): each delivery would be refused alike. */
    @Test
    void aTaskThatPostgresqlRefusesToStoreIsDeadLetteredAsMalformedAtOnce() throws Exception {
        String body = "{\"type\": \"echo\", \"payload\": {\"n\": 7}}";
        fixture.publish(body.getBytes(StandardCharsets.UTF_8), new AMQP.BasicProperties.Builder()
                .contentType(WireFormat.APPLICATION_JSON).messageId("job\u0000one").build());

        GetResponse letter = fixture.awaitDeadLetterWithBody(body);

        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("malformed");
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).startsWith("the database refused the task: ");
        assertThat(WireFormat.deliveriesBefore(letter.getProps().getHeaders(), true)).as("not redelivered").isZero();
    }

    @Test
    void aJsonMessageNamingAnotherQueueThanTheOneItCameOnIsDeadLetteredAsMalformed() throws Exception {
        String body = "{\"type\": \"echo\", \"queue\": \"somewhere.else\"}";
        fixture.publish(body, WireFormat.APPLICATION_JSON);

        GetResponse letter = fixture.awaitDeadLetterWithBody(body);

        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("malformed");
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).isEqualTo("\"queue\" names somewhere.else, but the message"
                + " came on " + fixture.environment().queues().main() + ": publish it to somewhere.else");
    }

    @Test
    void idOfNoTaskIsDeadLetteredAsUnknownTask() throws Exception {
        fixture.publish("987654321", WireFormat.TEXT_PLAIN);

        GetResponse letter = fixture.awaitDeadLetterWithBody("987654321");

        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("unknown-task");
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).contains("987654321");
    }

    @Test
    void aTaskIdOfAnotherSchemaIsDeadLetteredAsUnknownTaskAndTheRowWithThatIdHereIsLeftAlone() throws Exception {
        // a task of this schema that waits for its own message, and one of another schema with the same ID
        long id = fixture.store().insert(new NewTask("echo", Json.parse("{\"here\":true}")));
        String body = String.valueOf(id);

        fixture.publish(WireFormat.taskIdBody(id), WireFormat.taskIdProperties(id, "another_installation").build());

        GetResponse letter = fixture.awaitDeadLetter(dead -> body.equals(new String(dead.getBody(),
                StandardCharsets.UTF_8)) && "another_installation".equals(header(dead, WireFormat.SCHEMA_HEADER)));
        fixture.awaitEveryMessageAcked();
        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("unknown-task");
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).isEqualTo("it names a task of schema"
                + " another_installation, and this supervisor runs those of schema "
                + fixture.store().schema() + ": two installations share " + fixture.environment().queues().main()
                + ", where each needs a queue of its own (TASKFORK_QUEUE)");
        assertThat(letter.getProps().getHeaders()).doesNotContainKey(WireFormat.TASK_ID_HEADER);
        Task here = fixture.store().find(id).orElseThrow();
        assertThat(here.status()).as("not run, nor ended").isEqualTo(TaskStatus.QUEUED);
        assertThat(here.attempts()).isZero();

        fixture.publish(WireFormat.taskIdBody(id), WireFormat.taskIdProperties(id, fixture.store().schema()).build());
        assertThat(fixture.awaitTerminal(id).status()).as("its own schema's message runs it")
                .isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void aJsonMessageWithAnotherSchemasHeaderNamesNoRowAndMakesItsTaskHere() throws Exception {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType(WireFormat.APPLICATION_JSON)
                .messageId("copied-headers-1").deliveryMode(2)
                .headers(Map.of(WireFormat.SCHEMA_HEADER, "another_installation")).build();

        fixture.publish("{\"type\":\"echo\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8), properties);

        long id = fixture.awaitTaskWhere("message_id = 'copied-headers-1'");
        assertThat(fixture.awaitTerminal(id).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void messageAtItsDeliveryLimitIsDeadLetteredWithOurReason() throws Exception {
        // Nine consumers take it and give it back while the supervisor's prefetch is full of sleeps:
        // the quorum queue counts them in x-delivery-count.
        for (int i = 0; i < 4; i++) {
            fixture.submit("sleep", "{\"ms\": 4000}");
        }
        fixture.awaitChildrenRunning(4);
        fixture.publish("424242", WireFormat.TEXT_PLAIN);
        try (Channel consumer = fixture.environment().connection().createChannel()) {
            for (int given = 0; given < 9; ) {
                GetResponse taken = consumer.basicGet(fixture.environment().queues().main(), false);
                if (taken != null) {
                    consumer.basicReject(taken.getEnvelope().getDeliveryTag(), true);
                    given++;
                }
            }
        }

        GetResponse letter = fixture.awaitDeadLetterWithBody("424242");

        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("delivery-limit");
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).contains("delivered 10 times");
        assertThat(header(letter, WireFormat.TASK_ID_HEADER)).as("the task the body names").isEqualTo("424242");
    }

    @Test
    void copyWhosePriorDeliveriesReachTheLimitIsDeadLetteredOnItsFirstDelivery() throws Exception {
        // a copy an audit put back for a message that had been delivered nine times
        fixture.publish("434343".getBytes(StandardCharsets.UTF_8), new AMQP.BasicProperties.Builder()
                .contentType(WireFormat.TEXT_PLAIN).headers(Map.of(WireFormat.PRIOR_DELIVERIES_HEADER, 9)).build());

        GetResponse letter = fixture.awaitDeadLetterWithBody("434343");

        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("delivery-limit");
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).isEqualTo("delivered 10 times, 9 of them before a copy"
                + " was put back (x-taskfork-prior-deliveries) without an outcome (a consumer failed or died with it"
                + " each time)");
    }

    /** The broker writes x-delivery-count only when it delivers a message again: a publisher's is not counted. */
    @Test
    void aDeliveryCountThePublisherSetIsNotCountedOnTheFirstDelivery() throws Exception {
        fixture.publish("{\"type\": \"echo\", \"payload\": {\"copied\": 50}}".getBytes(StandardCharsets.UTF_8),
                new AMQP.BasicProperties.Builder().contentType(WireFormat.APPLICATION_JSON)
                        .headers(Map.of("x-delivery-count", 50)).build());

        fixture.awaitTaskWhere("status = 'succeeded' and payload->>'copied' = '50'");
    }

    @Test
    void oversizedBodyIsDeadLetteredAsTooLarge() throws Exception {
        char[] padding = new char[5000];
        Arrays.fill(padding, ' ');
        String body = "{\"type\":\"echo\",\"payload\":{\"pad\":\"" + new String(padding) + "\"}}";
        fixture.publish(body, WireFormat.APPLICATION_JSON);

        GetResponse letter = fixture.awaitDeadLetterWithBody(body);

        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("too-large");
    }

    @Test
    void jsonMessageOfUnknownTypeFailsItsRowAndIsDeadLettered() throws Exception {
        String body = "{\"type\":\"no-such-type\",\"payload\":{\"x\":1}}";
        fixture.publish(body, WireFormat.APPLICATION_JSON);

        GetResponse letter = fixture.awaitDeadLetterWithBody(body);
        long id = Long.parseLong(header(letter, WireFormat.TASK_ID_HEADER));
        Task task = fixture.awaitTerminal(id);

        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("unknown-type");
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).contains("no-such-type").contains("echo");
        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.UNKNOWN_TYPE);
        assertThat(task.attempts()).isZero();
    }

    @ParameterizedTest(name = "max_attempts {0}")
    @ValueSource(ints = {0, 101})
    void jsonMessageWithMaxAttemptsOutsideOneToAHundredIsDeadLetteredAsMalformedWithoutARow(int maxAttempts)
            throws Exception {
        String body = "{\"type\":\"echo\",\"payload\":{\"bound\":" + maxAttempts + "},\"max_attempts\":"
                + maxAttempts + "}";
        fixture.publish(body, WireFormat.APPLICATION_JSON);

        GetResponse letter = fixture.awaitDeadLetterWithBody(body);

        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("malformed");
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).contains("max_attempts").contains("1 to 100");
        long rows = fixture.environment().database().jdbi().withHandle(handle -> handle
                .createQuery("select count(*) from tasks where payload->>'bound' = :bound")
                .bind("bound", Integer.toString(maxAttempts)).mapTo(Long.class).one());
        assertThat(rows).as("rows created").isZero();
    }

    @ParameterizedTest(name = "max_attempts {0}")
    @ValueSource(ints = {1, 100})
    void jsonMessageWithMaxAttemptsAtEitherEndOfTheRangeCreatesItsRowWithThatLimit(int maxAttempts)
            throws Exception {
        fixture.publish("{\"type\":\"echo\",\"payload\":{\"edge\":" + maxAttempts + "},\"max_attempts\":"
                + maxAttempts + "}", WireFormat.APPLICATION_JSON);

        Task task = fixture.awaitTerminal(fixture.awaitTaskWhere("payload->>'edge' = '" + maxAttempts + "'"));

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.maxAttempts()).isEqualTo(maxAttempts);
    }

    @Test
    void jsonMessageCreatesItsRowAndRuns() throws Exception {
        fixture.publish("{\"type\":\"echo\",\"payload\":{\"from\":\"any client\"}}", WireFormat.APPLICATION_JSON);

        Task task = fixture.awaitTerminal(fixture.awaitTaskWhere("payload->>'from' = 'any client'"));

        assertThat(task.type()).isEqualTo("echo");
        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result().path("from").asText()).isEqualTo("any client");
    }

    @Test
    void messageIdMakesJsonCreationIdempotent() throws Exception {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType(WireFormat.APPLICATION_JSON).messageId("order-4711").deliveryMode(2).build();
        byte[] body = "{\"type\":\"echo\",\"payload\":{\"order\":4711}}".getBytes(StandardCharsets.UTF_8);
        fixture.publish(body, properties);
        fixture.publish(body, properties);
        long id = fixture.awaitTaskWhere("message_id = 'order-4711'");
        fixture.awaitTerminal(id);
        // the second message is acked as a redelivery of a terminal task; wait until both are gone
        fixture.awaitEveryMessageAcked();

        long rows = fixture.environment().database().jdbi().withHandle(handle -> handle
                .createQuery("select count(*) from tasks where message_id = 'order-4711'")
                .mapTo(Long.class).one());
        assertThat(rows).isEqualTo(1);
        assertThat(fixture.store().find(id).orElseThrow().attempts()).isEqualTo(1);
    }

    /** A message ID used again for other work: acked as a copy, that work would be lost without a word. */
    @Test
    void anotherMessageWithAMessageIdAlreadyUsedIsDeadLetteredAsMalformedNamingTheTask() throws Exception {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType(WireFormat.APPLICATION_JSON).messageId("order-4712").deliveryMode(2).build();
        fixture.publish("{\"type\":\"echo\",\"payload\":{\"order\":4712,\"n\":100}}"
                .getBytes(StandardCharsets.UTF_8), properties);
        long id = fixture.awaitTaskWhere("message_id = 'order-4712'");
        fixture.awaitTerminal(id);
        // the same message written otherwise is a copy: acked, nothing made or dead-lettered
        String copy = "{\"payload\": {\"n\": 1e2, \"order\": 4712}, \"type\": \"echo\"}";
        fixture.publish(copy.getBytes(StandardCharsets.UTF_8), properties);
        String other = "{\"type\":\"echo\",\"payload\":{\"order\":4713}}";
        fixture.publish(other.getBytes(StandardCharsets.UTF_8), properties);

        GetResponse letter = fixture.awaitDeadLetterWithBody(other);
        fixture.awaitEveryMessageAcked();

        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("malformed");
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).isEqualTo("its message_id order-4712 made task " + id
                + " from another message, of type echo: this one, of another type or payload, needs a message_id of"
                + " its own");
        assertThat(fixture.deadLettersWithBody(copy)).as("the copy's dead letters").isZero();
        assertThat(fixture.store().find(id).orElseThrow().attempts()).isEqualTo(1);
    }

    @Test
    void redeliveredTerminalTaskIsAckedWithoutRunningAgain() throws Exception {
        long id = fixture.submit("echo", "{\"once\":true}");
        Task first = fixture.awaitTerminal(id);

        fixture.publish(String.valueOf(id), WireFormat.TEXT_PLAIN);
        fixture.awaitEveryMessageAcked();

        Task after = fixture.store().find(id).orElseThrow();
        assertThat(after.attempts()).isEqualTo(1);
        assertThat(after.finishedAt()).isEqualTo(first.finishedAt());
    }

    @Test
    void crashedTaskWhoseDeadLetterWasLostIsDeadLetteredOnItsNextDelivery() throws Exception {
        // as if the broker went away after the row was recorded and before the dead letter was confirmed
        long id = fixture.store().insert(new NewTask("crash", Json.parse("{\"mode\":\"segv\"}")));
        fixture.environment().database().jdbi().useHandle(handle -> handle.execute("update tasks set status ="
                + " 'crashed', failure_kind = 'signal', exit_code = 134, attempts = 1, error = 'JVM fatal error: SIGSEGV',"
                + " finished_at = now() where id = ?", id));

        fixture.publish(String.valueOf(id), WireFormat.TEXT_PLAIN);
        GetResponse letter = fixture.awaitDeadLetterOf(id);
        fixture.publish(String.valueOf(id), WireFormat.TEXT_PLAIN);
        fixture.awaitEveryMessageAcked();

        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("signal");
        assertThat(header(letter, WireFormat.DETAIL_HEADER)).isEqualTo("JVM fatal error: SIGSEGV");
        assertThat(fixture.deadLettersOf(id)).as("dead-lettered once, however often redelivered").isEqualTo(1);
        assertThat(fixture.store().find(id).orElseThrow().attempts()).isEqualTo(1);
    }
}
