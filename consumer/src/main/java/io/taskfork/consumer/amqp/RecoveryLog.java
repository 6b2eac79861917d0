package io.taskfork.consumer.amqp;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Says in the log when the broker connection is lost and when the client has recovered it. */
public final class RecoveryLog {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryLog.class);

    private RecoveryLog() {
    }

    public static void watch(Connection connection, String queue) {
        connection.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                LOG.warn("lost the broker connection ({}); reconnecting, unacked messages will be redelivered",
                        cause.getMessage());
            }
        });
        if (connection instanceof Recoverable recoverable) {
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recovered) {
                    LOG.info("reconnected to the broker; consuming {} again", queue);
                }

                @Override
                public void handleRecoveryStarted(Recoverable recovering) {
                    LOG.debug("reconnecting to the broker");
                }
            });
        }
    }
}
