package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The database tells a supervisor of cancels and new times as they are committed, and again after
 * its connection is lost.
 */
class DatabaseEventsIT {

    private static final long WITHIN_MS = 5_000;
    private static IsolatedEnvironment environment;
    private static IsolatedEnvironment elsewhere;
    private final BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    private DatabaseEvents events;
    private TaskStore store;

    @BeforeAll
    static void createSchemas() {
        environment = IsolatedEnvironment.create(DatabaseEventsIT.class);
        elsewhere = IsolatedEnvironment.create(DatabaseEventsIT.class);
    }

    @AfterAll
    static void dropSchemas() throws Exception {
        environment.close();
        elsewhere.close();
    }

    @BeforeEach
    void listen() throws Exception {
        store = new TaskStore(environment.database());
        events = new DatabaseEvents(environment.database(), new DatabaseEvents.Listener() {
            @Override
            public void cancelled(long taskId) {
                heard.add("cancelled " + taskId);
            }

            @Override
            public void due() {
                heard.add("due");
            }

            @Override
            public void listening(boolean now) {
                heard.add("listening " + now);
            }
        }).start();
        assertThat(heard.poll(WITHIN_MS, TimeUnit.MILLISECONDS)).isEqualTo("listening true");
    }

    @AfterEach
    void stop() {
        events.close();
    }

    @Test
    void aRunningTaskCancelledIsToldWithItsIdAndAQueuedOneIsNot() throws Exception {
        long queued = store.insert(new NewTask("echo", Json.parse("{}")));
        long running = store.insert(new NewTask("echo", Json.parse("{}")));
        setRunning(running);

        store.cancel(queued);
        store.cancel(running);

        assertThat(heard.poll(WITHIN_MS, TimeUnit.MILLISECONDS)).isEqualTo("cancelled " + running);
        assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aTaskGivenATimeIsToldOnceATransactionAndAnotherSchemasIsNot() throws Exception {
        TaskStore other = new TaskStore(elsewhere.database());
        long there = other.insert(new NewTask("echo", Json.parse("{}")));
        setRunning(elsewhere, there);
        other.cancel(there);
        elsewhere.database().jdbi().useHandle(handle -> handle.execute(
                "update tasks set status = 'scheduled', run_at = now() + interval '1 hour'"));
        long a = store.insert(new NewTask("echo", Json.parse("{}")));
        long b = store.insert(new NewTask("echo", Json.parse("{}")));
        assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).as("queued tasks with no time").isNull();

        environment.database().jdbi().useHandle(handle -> handle.execute("update tasks set status = 'scheduled',"
                + " run_at = now() + interval '1 hour' where id in (" + a + ", " + b + ")"));

        assertThat(heard.poll(WITHIN_MS, TimeUnit.MILLISECONDS)).isEqualTo("due");
        assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).isNull();

        environment.database().jdbi().useHandle(handle -> handle.execute("update tasks set status = 'queued',"
                + " expires_at = now() + interval '1 hour' where id = " + a));
        assertThat(heard.poll(WITHIN_MS, TimeUnit.MILLISECONDS)).as("a queued task that got an expiry")
                .isEqualTo("due");
        environment.database().jdbi().useHandle(handle -> handle.execute("update tasks set status = 'queued'"
                + " where id = " + b));
        assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).as("a due task taken: no new time").isNull();
    }

    @Test
    void aLostConnectionIsSaidAndListeningComesBackWithTheNotifications() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(DatabaseEvents.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        int ended = environment.database().jdbi().withHandle(handle -> handle.createQuery(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = :name")
                .bind("name", DatabaseEvents.applicationName(environment.database()))
                .mapTo(Integer.class).one());
        assertThat(ended).isEqualTo(1);

        assertThat(heard.poll(WITHIN_MS, TimeUnit.MILLISECONDS)).isEqualTo("listening false");
        assertThat(heard.poll(WITHIN_MS, TimeUnit.MILLISECONDS)).isEqualTo("listening true");
        long running = store.insert(new NewTask("echo", Json.parse("{}")));
        setRunning(running);
        store.cancel(running);
        assertThat(heard.poll(WITHIN_MS, TimeUnit.MILLISECONDS)).isEqualTo("cancelled " + running);
        logger.detachAppender(lines);
        assertThat(lines.list).extracting(line -> line.getLevel() + " " + line.getFormattedMessage())
                .satisfiesExactly(
                        warn -> assertThat(warn).startsWith("WARN not told of cancels and due tasks by the database (")
                                .endsWith("); looking for them as before until it is back"),
                        info -> assertThat(info).isEqualTo("INFO listening to the database's notifications again"));
    }

    private void setRunning(long id) {
        setRunning(environment, id);
    }

    private static void setRunning(IsolatedEnvironment in, long id) {
        in.database().jdbi().useHandle(handle -> handle.execute(
                "update tasks set status = 'running', attempts = 1, started_at = now() where id = " + id));
    }
}
