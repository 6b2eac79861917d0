package io.taskfork.producer.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.taskfork.producer.dlq.Dlq;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.wire.WireFormat;
import java.lang.ref.WeakReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A scan of a real quorum queue: what it gives back is there for the very next scan. */
class QueueScanIT {

    private static IsolatedEnvironment env;
    private static ConfirmedPublisher publisher;

    @BeforeAll
    static void start() {
        env = IsolatedEnvironment.create(QueueScanIT.class);
        Queues.declare(env.connection(), env.queues());
        publisher = ConfirmedPublisher.open(env.connection());
    }

    @AfterAll
    static void stop() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    void aScanThatBeginsAsTheLastOneClosesSeesEveryMessageItGaveBack() throws Exception {
        String dead = env.queues().dead();
        publisher.publish(dead, WireFormat.taskIdProperties(7).build(), WireFormat.taskIdBody(7));
        publisher.publish(dead, WireFormat.taskIdProperties(8).build(), WireFormat.taskIdBody(8));

        // A quorum queue puts back what a closed scan held in the background, in a few
        // milliseconds: many rounds give the next scan many chances to begin before it has. The
        // dead-letter commands' own refresh keeps a broker's delivery limit from dropping them.
        for (int round = 0; round < 40; round++) {
            try (QueueScan scan = new QueueScan(env.connection().createChannel(), dead, publisher, Dlq.REFRESH)) {
                assertThat(scan.total()).as("messages ready as scan %d began", round).isEqualTo(2);
                assertThat(scan.next()).isNotNull();
                assertThat(scan.next()).isNotNull();
            }
        }
        try (Channel channel = env.connection().createChannel()) {
            assertThat(channel.queueDeclarePassive(dead).getMessageCount()).isEqualTo(2);
        }
    }

    /**
     * `dlq show` and `replay` look through every dead letter: held whole until the end, a queue of large
     * ones would not fit in the command's heap. One that goes back in its place is held by its tag alone.
     */
    @Test
    void aMessageThatGoesBackInItsPlaceIsHeldWithoutItsBody() throws Exception {
        String dead = env.queues().dead();
        try (Channel channel = env.connection().createChannel()) {
            channel.queuePurge(dead);
        }
        publisher.publish(dead, WireFormat.taskIdProperties(7).build(), new byte[1 << 20]);
        publisher.publish(dead, WireFormat.taskIdProperties(8).build(), WireFormat.taskIdBody(8));

        try (QueueScan scan = new QueueScan(env.connection().createChannel(), dead, publisher, Dlq.REFRESH)) {
            WeakReference<byte[]> body = new WeakReference<>(scan.next().body());
            for (int round = 0; round < 20 && body.get() != null; round++) {
                System.gc();
                Thread.sleep(10);
            }
            assertThat(body.get()).as("the first message's body, after the scan read it").isNull();
            assertThat(scan.next()).isNotNull();
        }
        try (Channel channel = env.connection().createChannel()) {
            assertThat(channel.queueDeclarePassive(dead).getMessageCount()).isEqualTo(2);
            channel.queuePurge(dead);
        }
    }
}
