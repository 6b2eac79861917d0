package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two supervisors sweep one outbox every second (README: "many supervisors never double up"):
 * each row whose message was never confirmed is published once, by one of them.
 */
class OutboxSweepersIT {

    private static final int ROWS = 50;
    /** Long enough for a second copy of any message to be delivered and acked. */
    private static final Duration QUIET_FOR = Duration.ofSeconds(1);

    // the second's work folder: its standby children's folders apart from the first's, which has the same PID
    @TempDir
    static Path secondWork;
    private static SupervisorFixture fixture;
    private static Supervisor second;

    @BeforeAll
    static void startTwoSupervisors() throws Exception {
        fixture = SupervisorFixture.start(OutboxSweepersIT.class, Map.of("TASKFORK_OUTBOX_AGE", "1s"));
        Map<String, String> variables = new HashMap<>(fixture.environment().environment());
        variables.put("TASKFORK_WORK_DIR", secondWork.toString());
        second = new Supervisor(Settings.load(variables, Map.of())).start();
    }

    @AfterAll
    static void stopSupervisors() throws Exception {
        try {
            second.stop(Duration.ofSeconds(5));
        } finally {
            fixture.close();
        }
    }

    @Test
    void eachRowWhoseMessageWasNeverConfirmedIsPublishedOnceByTwoSweepingSupervisors() throws Exception {
        // A type neither supervisor runs: each message is settled at once, without a child, and its
        // row fails, so that every message the sweepers publish is one ack, a second copy included.
        List<Long> ids = fixture.store().insertAll(IntStream.range(0, ROWS)
                .mapToObj(i -> new NewTask("never-run", Json.parse("{\"i\":" + i + "}"))).toList());

        for (long id : ids) {
            Task task = fixture.awaitTerminal(id);
            assertThat(task.failureKind()).isEqualTo(FailureKind.UNKNOWN_TYPE);
        }
        awaitQuiet();

        assertThat(fixture.supervisor().deliveriesAcked() + second.deliveriesAcked())
                .as("messages taken from the main queue").isEqualTo(ROWS);
        try (Channel channel = fixture.environment().connection().createChannel()) {
            assertThat(channel.queueDeclarePassive(fixture.environment().queues().retry()).getMessageCount())
                    .as("deferred").isZero();
            assertThat(channel.queueDeclarePassive(fixture.environment().queues().dead()).getMessageCount())
                    .as("dead letters").isEqualTo(ROWS);
        }
        long unpublished = fixture.environment().database().jdbi().withHandle(handle -> handle
                .createQuery("select count(*) from tasks where published_at is null").mapTo(Long.class).one());
        assertThat(unpublished).as("rows whose publish is not recorded").isZero();
    }

    /** Until neither supervisor holds a delivery, the main queue is empty and no ack came for {@link #QUIET_FOR}. */
    private static void awaitQuiet() throws Exception {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        long acks = -1;
        Instant quietSince = Instant.now();
        while (Instant.now().isBefore(deadline)) {
            long now = fixture.supervisor().deliveriesAcked() + second.deliveriesAcked();
            boolean idle = fixture.supervisor().deliveriesInHand() == 0 && second.deliveriesInHand() == 0
                    && fixture.mainQueueMessages() == 0;
            if (now != acks || !idle) {
                acks = now;
                quietSince = Instant.now();
            } else if (Duration.between(quietSince, Instant.now()).compareTo(QUIET_FOR) >= 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the supervisors were not quiet within " + SupervisorFixture.WITHIN);
    }
}
