package io.taskfork.consumer.supervisor.amqp;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log when the broker connection is lost and when the client has recovered it, and on
 * which node: with a cluster the client may come back on another one.
 */
public final class RecoveryLog {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryLog.class);

    private RecoveryLog() {
    }

    public static void watch(Connection connection, String queue) {
        connection.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                LOG.warn("lost the broker connection to {} ({}); reconnecting, unacked messages will be redelivered",
                        node(connection), cause.getMessage());
            }
        });
        if (connection instanceof Recoverable recoverable) {
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recovered) {
                    LOG.info("reconnected to the broker at {}; consuming {} again", node(connection), queue);
                }

                @Override
                public void handleRecoveryStarted(Recoverable recovering) {
                    LOG.debug("reconnecting to the broker");
                }
            });
        }
    }

    /** The node the connection is on now: {@code host:port}. */
    public static String node(Connection connection) {
        return connection.getAddress().getHostAddress() + ":" + connection.getPort();
    }
}
