package io.taskfork.producer;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** Looks into a queue on the test's own connection: counts, takes and empties it. */
public final class QueueProbe implements AutoCloseable {

    private static final Duration SETTLE = Duration.ofSeconds(10);

    private final Channel channel;
    private final String queue;

    public QueueProbe(Connection connection, String queue) throws IOException {
        this.channel = connection.createChannel();
        this.queue = queue;
    }

    public long count() {
        try {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the queue holds {@code expected} messages, as counts may lag a confirm briefly. */
    public void awaitCount(long expected) throws InterruptedException {
        Await.until(SETTLE, queue + " holds " + expected + " messages", () -> count() == expected);
    }

    /** The next message, acknowledged; fails when none comes within a few seconds. */
    public GetResponse take() throws IOException, InterruptedException {
        GetResponse[] got = new GetResponse[1];
        Await.until(SETTLE, "a message on " + queue, () -> {
            try {
                got[0] = channel.basicGet(queue, true);
                return got[0] != null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return got[0];
    }

    /** The bodies of the next {@code n} messages, as text. */
    public List<String> takeBodies(int n) throws IOException, InterruptedException {
        List<String> bodies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            bodies.add(new String(take().getBody(), StandardCharsets.US_ASCII));
        }
        return bodies;
    }

    public void purge() throws IOException {
        channel.queuePurge(queue);
    }

    @Override
    public void close() throws IOException, TimeoutException {
        if (channel.isOpen()) {
            channel.close();
        }
    }
}
