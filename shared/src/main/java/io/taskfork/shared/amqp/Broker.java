package io.taskfork.shared.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ExceptionHandler;
import com.rabbitmq.client.RecoveryDelayHandler;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import io.taskfork.shared.config.AmqpSettings;
import io.taskfork.shared.config.AmqpUris;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** Opens named connections to the broker: one node, or whichever node of a cluster answers. */
public final class Broker {

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int NOT_FOUND = 404;
    /**
     * No limit on the bodies read: a connection that reads what others published (dead letters,
     * say) must read any message the broker holds (RabbitMQ takes at most 512 MiB), since the
     * client ends its whole connection at a body over its limit, and the broker hands the same
     * message out again first.
     */
    private static final int ANY_BODY_BYTES = Integer.MAX_VALUE;

    private Broker() {
    }

    /** Closes {@code channel}, if any and open: a channel that will not close is unusable either way. */
    public static void closeQuietly(Channel channel) {
        try {
            if (channel != null && channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            // closed, or as good as closed
        }
    }

    /** Whether {@code failure} is the broker's answer to a passive declare of a queue that is not there. */
    public static boolean isQueueNotFound(Throwable failure) {
        return failure.getCause() instanceof ShutdownSignalException shutdown
                && shutdown.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == NOT_FOUND;
    }

    /**
     * A connection named {@code name} (shown in the management UI) to one of the nodes that
     * {@code TASKFORK_AMQP_URI} lists.
     *
     * @throws BrokerUnavailableException with the redacted URIs and the cause, when none can be had
     */
    public static Connection connect(AmqpSettings settings, String name) {
        return connect(settings, name, ANY_BODY_BYTES, null);
    }

    /**
     * A connection as {@link #connect(AmqpSettings, String)} gives, that reads bodies smaller than
     * {@code maxBodyBytes} and tells {@code errors} (when not null) what goes wrong in its
     * connection; a larger body ends the connection, which is then recovered.
     */
    public static Connection connect(AmqpSettings settings, String name, int maxBodyBytes, ExceptionHandler errors) {
        AmqpUris uris = settings.uris();
        ConnectionFactory factory = new ConnectionFactory();
        try {
            // User, password, virtual host, TLS and options are the same in every URI of the list.
            factory.setUri(uris.first());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new BrokerUnavailableException("bad AMQP URI " + uris + ": " + e.getMessage(), e);
        }
        factory.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        factory.setHandshakeTimeout(CONNECT_TIMEOUT_MS);
        factory.setMaxInboundMessageBodySize(maxBodyBytes);
        if (errors != null) {
            factory.setExceptionHandler(errors);
        }
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
            // With a list of addresses and automatic recovery, the client tries them in random
            // order, at the first connect and at every recovery, and keeps the first that answers:
            // a node that is down is passed over, and clients spread over the nodes.
            return factory.newConnection(addresses(uris), name);
        } catch (IOException | TimeoutException e) {
            throw new BrokerUnavailableException("cannot connect to the broker at " + uris + ": " + describe(e), e);
        }
    }

    static List<Address> addresses(AmqpUris uris) {
        return uris.all().stream().map(uri -> new Address(uri.getHost(), AmqpUris.port(uri))).toList();
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
