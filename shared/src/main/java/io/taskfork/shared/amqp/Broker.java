package io.taskfork.shared.amqp;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.RecoveryDelayHandler;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import io.taskfork.shared.config.AmqpSettings;
import io.taskfork.shared.config.Redaction;
import java.io.IOException;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeoutException;

/** Opens named connections to the broker. */
public final class Broker {

    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private Broker() {
    }

    /**
     * A connection named {@code name} (shown in the management UI).
     *
     * @throws BrokerUnavailableException with the redacted URI and the cause, when none can be had
     */
    public static Connection connect(AmqpSettings settings, String name) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(settings.uri());
        } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
            throw new BrokerUnavailableException("bad AMQP URI " + Redaction.uri(settings.uri()) + ": "
                    + e.getMessage(), e);
        }
        factory.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        factory.setHandshakeTimeout(CONNECT_TIMEOUT_MS);
        // A lost connection is recovered by the client, its channels, qos and consumers with it;
        // the waits between tries grow so that a long outage is not hammered.
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setRecoveryDelayHandler(new RecoveryDelayHandler.ExponentialBackoffDelayHandler());
        // Our queues are durable and declared on channels of their own that are closed at once;
        // redeclaring them from those closed channels could only fail. Consumers are recovered.
        factory.setTopologyRecoveryFilter(new TopologyRecoveryFilter() {
            @Override
            public boolean filterQueue(RecordedQueue queue) {
                return false;
            }
        });
        try {
            return factory.newConnection(name);
        } catch (IOException | TimeoutException e) {
            throw new BrokerUnavailableException("cannot connect to the broker at "
                    + Redaction.uri(settings.uri()) + ": " + describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
