package io.taskfork.consumer.supervisor;

import static io.taskfork.consumer.testing.SupervisorFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A body larger than the supervisor's connection reads ends that connection before it is read: the
 * supervisor takes that message off the queue and dead-letters it as too-large, and the messages
 * the lost connection held run once.
 */
class OversizedMessageIT {

    // TASKFORK_MAX_MESSAGE is 1m; bodies up to 16 MiB are read by the supervisor's connection.
    private static final int OVER_WHAT_IS_READ = (16 << 20) + 1;

    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        fixture = SupervisorFixture.start(OversizedMessageIT.class, Map.of());
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void aBodyOverWhatTheConnectionReadsIsDeadLetteredAsTooLargeOnceAndTheMessagesBehindItRunOnce() throws Exception {
        ListAppender<ILoggingEvent> warnings = listen(OversizedMessages.class);
        ListAppender<ILoggingEvent> clientErrors = listen(ForgivingExceptionHandler.class);
        byte[] body = new byte[OVER_WHAT_IS_READ];
        Arrays.fill(body, (byte) '7');
        fixture.publish(body, new AMQP.BasicProperties.Builder().contentType(WireFormat.TEXT_PLAIN).build());
        List<Long> behind = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            behind.add(fixture.submit("echo", "{}"));
        }

        for (long id : behind) {
            Task task = fixture.awaitTerminal(id);
            assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(task.attempts()).isEqualTo(1);
        }
        GetResponse letter = fixture.awaitDeadLetter(dead -> dead.getBody().length == body.length);
        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("too-large");
        assertThat(header(letter, WireFormat.DETAIL_HEADER))
                .isEqualTo("body of " + body.length + " bytes is over the limit of 1048576");
        assertThat(WireFormat.deliveriesBefore(letter.getProps().getHeaders(), true)).as("broker deliveries").isZero();
        assertThat(warnings.list).filteredOn(line -> line.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .isEqualTo("a message of " + body.length + " bytes on " + fixture.environment().queues().main()
                        + " is over the " + (OVER_WHAT_IS_READ - 1) + " bytes the supervisor's connection reads;"
                        + " it is taken off the queue before the connection is opened again");
        assertThat(clientErrors.list).as("the client's ERROR with its stack trace").isEmpty();
    }

    /** The lost connection gives back the messages of the tasks running too, and they come back first. */
    @Test
    void theOversizedMessageIsFoundBehindThoseOfTheTasksRunningAndTheyRunOnce() throws Exception {
        ListAppender<ILoggingEvent> warnings = listen(OversizedMessages.class);
        List<Long> running = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            running.add(fixture.submit("sleep", "{\"ms\": 4000}"));
        }
        fixture.awaitChildrenRunning(2);
        byte[] body = new byte[OVER_WHAT_IS_READ + 1];
        Arrays.fill(body, (byte) '8');
        fixture.publish(body, new AMQP.BasicProperties.Builder().contentType(WireFormat.TEXT_PLAIN).build());
        long behind = fixture.submit("echo", "{}");

        for (long id : running) {
            assertThat(fixture.awaitTerminal(id)).extracting(Task::status, Task::attempts)
                    .containsExactly(TaskStatus.SUCCEEDED, 1);
        }
        assertThat(fixture.awaitTerminal(behind)).extracting(Task::status, Task::attempts)
                .containsExactly(TaskStatus.SUCCEEDED, 1);
        GetResponse letter = fixture.awaitDeadLetter(dead -> dead.getBody().length == body.length);
        assertThat(header(letter, WireFormat.REASON_HEADER)).isEqualTo("too-large");
        assertThat(warnings.list).filteredOn(line -> line.getLevel() == Level.WARN).as("taken off the first time")
                .hasSize(1);
        assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("gave back 2 other messages of " + fixture.environment().queues().main()
                        + ", taken while looking for it");
    }

    private static ListAppender<ILoggingEvent> listen(Class<?> source) {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        ((Logger) LoggerFactory.getLogger(source)).addAppender(lines);
        return lines;
    }
}
