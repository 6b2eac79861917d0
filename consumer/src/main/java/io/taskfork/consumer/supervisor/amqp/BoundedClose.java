package io.taskfork.consumer.supervisor.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's last words to the broker, each waited for a bounded time: a broker that stopped
 * answering while its connection stays open (a network that drops every packet) would otherwise
 * hold a stop until the heartbeat gave up on it, minutes later, or the client's reply timeout of
 * 10 minutes.
 */
public final class BoundedClose {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedClose.class);

    private BoundedClose() {
    }

    /**
     * Cancels the consumer {@code tag}, so that no delivery comes while the running tasks finish;
     * waits for the broker's word at most {@code within}, then goes on without it.
     */
    public static void cancel(Channel channel, String tag, Duration within) throws InterruptedException {
        if (tag == null || channel == null || !channel.isOpen()) {
            return;
        }
        // on a thread of its own: the client's cancel has no timeout of its own to give
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        Thread canceller = new Thread(() -> {
            try {
                channel.basicCancel(tag);
                cancelled.complete(null);
            } catch (IOException | RuntimeException e) {
                cancelled.completeExceptionally(e);
            }
        }, "consumer-cancel");
        canceller.setDaemon(true);
        canceller.start();
        try {
            cancelled.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            LOG.warn("could not cancel the consumer: {}", e.getCause().toString());
        } catch (TimeoutException e) {
            LOG.warn("the broker did not answer the consumer's cancel within {} ms; going on without it",
                    within.toMillis());
        }
    }

    /**
     * Closes {@code connection}, its channels with it, waiting at most {@code within}; also one the
     * client is still trying to recover, which then stops trying.
     */
    public static void close(Connection connection, Duration within) {
        if (connection != null) {
            connection.abort((int) within.toMillis());
        }
    }
}
