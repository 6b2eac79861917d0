package io.taskfork.producer.dlq;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.taskfork.producer.queue.ConfirmedPublisher;
import io.taskfork.producer.queue.LookTurn;
import io.taskfork.producer.queue.QueueException;
import io.taskfork.producer.queue.QueueScan;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.topology.QueueNames;
import java.io.IOException;

/** The dead-letter queue of one main queue: counted, scanned without taking, purged. */
final class DeadQueue {

    private final Connection connection;
    private final QueueNames queues;
    private final String name;
    private final ConfirmedPublisher publisher;
    private final Database database;

    DeadQueue(Connection connection, QueueNames queues, ConfirmedPublisher publisher, Database database) {
        this.connection = connection;
        this.queues = queues;
        this.name = queues.dead();
        this.publisher = publisher;
        this.database = database;
    }

    String name() {
        return name;
    }

    /** The messages ready in the queue (not those another client holds unacknowledged right now). */
    long count() {
        return onChannel(channel -> (long) channel.queueDeclarePassive(name).getMessageCount(), "count");
    }

    /** Deletes every ready message, in a look's turn: a look under way holds some, which would come back. */
    long purge() {
        try (LookTurn turn = LookTurn.take(database, queues.main())) {
            return onChannel(channel -> (long) channel.queuePurge(name).getMessageCount(), "purge");
        }
    }

    /** A scan on a channel of its own, in a look's turn (see {@link LookTurn}); {@link QueueScan#close()} ends both. */
    QueueScan scan() {
        LookTurn turn = LookTurn.take(database, queues.main());
        Channel channel = null;
        try {
            channel = open();
            return new QueueScan(channel, name, publisher, Dlq.REFRESH, turn);
        } catch (IOException | AlreadyClosedException e) {
            Broker.closeQuietly(channel);
            turn.close();
            throw new QueueException("cannot read " + name + ": " + ConfirmedPublisher.reason(e), e);
        } catch (RuntimeException e) {
            Broker.closeQuietly(channel);
            turn.close();
            throw e;
        }
    }

    private interface ChannelCall {
        long call(Channel channel) throws IOException;
    }

    private long onChannel(ChannelCall call, String what) {
        Channel channel = null;
        try {
            channel = open();
            return call.call(channel);
        } catch (IOException | AlreadyClosedException e) {
            throw new QueueException("cannot " + what + " " + name + ": " + ConfirmedPublisher.reason(e), e);
        } finally {
            Broker.closeQuietly(channel);
        }
    }

    private Channel open() throws IOException {
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the broker allows no more channels on this connection");
        }
        return channel;
    }
}
