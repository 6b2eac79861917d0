package io.taskfork.producer.dlq;

import com.rabbitmq.client.Connection;
import io.taskfork.producer.queue.ConfirmedPublisher;
import io.taskfork.producer.queue.Queues;
import io.taskfork.producer.queue.QueueMessage;
import io.taskfork.producer.queue.QueueScan;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.WireFormat;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The dead-letter queue of one main queue, with the task rows its messages belong to: listed,
 * shown, replayed and purged. Opens a broker connection and a database pool of its own;
 * {@link #close()} closes them in reverse order.
 */
public final class Dlq implements AutoCloseable {

    /**
     * How a look at the dead-letter queue gives its messages back: in place, but as a fresh copy
     * once given back 10 times, half of RabbitMQ 4's default delivery limit; the queue has no
     * dead-letter target of its own, so a message past a limit would be dropped. A copy keeps our
     * reason headers, in case the broker drops {@code x-death} from a published copy.
     */
    public static final QueueScan.Refresh REFRESH = QueueScan.Refresh.wornAfter(10, (original, headers) -> {
        DeathNote death = DeathNote.of(original);
        headers.putIfAbsent(WireFormat.REASON_HEADER, death.reason());
        headers.putIfAbsent(WireFormat.DETAIL_HEADER, death.detail());
        return headers;
    });

    /** True for a dead letter the supervisor or the broker gave up on at the delivery limit. */
    public static boolean deadAtTheDeliveryLimit(QueueMessage message) {
        return DeathNote.of(message).reason().equals(DeadLetterReason.DELIVERY_LIMIT.value());
    }

    private static final String CONNECTION_NAME = "taskfork-dlq";
    private static final int POOL_SIZE = 2;
    private static final int CLOSE_TIMEOUT_MS = 5_000;

    private final Deque<AutoCloseable> opened;
    private final QueueNames queues;
    private final Connection connection;
    private final Database database;
    private final ConfirmedPublisher publisher;
    private final DeadQueue deadQueue;
    private final DeadLetterResolver resolver;

    private Dlq(Deque<AutoCloseable> opened, QueueNames queues, Connection connection, Database database,
            ConfirmedPublisher publisher) {
        this.opened = opened;
        this.queues = queues;
        this.connection = connection;
        this.database = database;
        this.publisher = publisher;
        this.deadQueue = new DeadQueue(connection, queues, publisher, database);
        this.resolver = new DeadLetterResolver(new TaskRows(database), database.schema());
    }

    /**
     * Connects to the broker and the database of {@code settings}, the queues there already.
     *
     * @throws io.taskfork.producer.queue.NoSuchQueueException when they are not
     */
    public static Dlq open(Settings settings) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            QueueNames queues = QueueNames.of(settings.amqp().queue());
            Connection connection = Broker.connect(settings.amqp(), CONNECTION_NAME);
            opened.push(() -> connection.close(CLOSE_TIMEOUT_MS));
            Queues.requireExisting(connection, queues);
            Database database = Database.connect(settings.db(), POOL_SIZE, CONNECTION_NAME);
            opened.push(database);
            database.migrateExisting();
            ConfirmedPublisher publisher = ConfirmedPublisher.open(connection);
            opened.push(publisher);
            return new Dlq(opened, queues, connection, database, publisher);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /**
     * Works on a broker connection and a database pool the caller opened and closes, as {@code serve}
     * does; only the publisher opened here is closed by {@link #close()}.
     */
    public static Dlq on(Connection connection, Database database, QueueNames queues) {
        Queues.declare(connection, queues);
        ConfirmedPublisher publisher = ConfirmedPublisher.open(connection);
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        opened.push(publisher);
        return new Dlq(opened, queues, connection, database, publisher);
    }

    public String queueName() {
        return deadQueue.name();
    }

    /** The messages ready in the dead-letter queue. */
    public long count() {
        return deadQueue.count();
    }

    /** Deletes every ready message of the dead-letter queue, leaving the rows as they are; returns how many. */
    public long purge() {
        return deadQueue.purge();
    }

    /**
     * Prints the first {@code limit} dead letters, as a table {@code width} characters wide or as
     * JSON lines, and gives every one back in its place.
     *
     * @return how many messages the queue held
     */
    public long list(int limit, boolean json, int width, PrintStream out) {
        Listing listing = read(limit);
        if (listing.letters().isEmpty()) {
            return 0;
        }
        if (json) {
            listing.letters().forEach(letter -> out.println(Json.write(DeadLetterJson.of(letter))));
        } else {
            DeadLetterTable.print(listing.letters(), listing.total(), deadQueue.name(), width, out);
        }
        return listing.total();
    }

    /**
     * The first {@code limit} dead letters, each as the object {@code list --json} prints, all given
     * back in their place, and how many messages the queue held.
     */
    public JsonListing listJson(int limit) {
        Listing listing = read(limit);
        return new JsonListing(listing.total(), listing.letters().stream().map(DeadLetterJson::of).toList());
    }

    /** Dead letters as JSON objects, as {@code list --json} prints them, and how many the queue held. */
    public record JsonListing(long total, List<ObjectNode> letters) {
    }

    private record Listing(long total, List<DeadLetter> letters) {
    }

    private Listing read(int limit) {
        List<QueueMessage> messages = new ArrayList<>();
        long total;
        try (QueueScan scan = deadQueue.scan()) {
            total = scan.total();
            while (messages.size() < limit) {
                QueueMessage message = scan.next();
                if (message == null) {
                    break;
                }
                messages.add(message);
            }
        }
        return new Listing(total, messages.isEmpty() ? List.of() : resolver.resolveAll(messages));
    }

    /**
     * Prints every dead letter of task {@code taskId}, then its row and the tail of its log.
     *
     * @return false, having printed nothing, when the task has no dead letter
     */
    public boolean show(long taskId, PrintStream out) {
        List<DeadLetter> letters = new ArrayList<>();
        try (QueueScan scan = deadQueue.scan()) {
            for (QueueMessage message = scan.next(); message != null; message = scan.next()) {
                DeadLetter letter = resolver.resolve(message);
                if (letter.taskId() != null && letter.taskId() == taskId) {
                    letters.add(letter);
                }
            }
        }
        if (letters.isEmpty()) {
            return false;
        }
        TaskStore store = new TaskStore(database);
        new DeadLetterReport(out).print(taskId, letters, deadQueue.name(), store.find(taskId), store.log(taskId));
        return true;
    }

    /** Replays the dead letters {@code choice} takes, a line each on {@code out}, refusals on {@code err}. */
    public ReplaySummary replay(ReplayChoice choice, PrintStream out, PrintStream err) {
        return new Replay(deadQueue, queues.main(), publisher, resolver,
                new RowReset(database, RowReset.Rules.REPLAY), out, err).run(choice);
    }

    /**
     * Runs a task that ended failed, crashed or expired again: its row reset as a replay resets it,
     * its ID published, and then its dead letters, if it has any, removed. Any other task is refused
     * and keeps them.
     */
    public RetryOutcome retry(long taskId) {
        PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
        QueueNames pool = poolOf(taskId);
        DeadQueue dead = pool.equals(queues) ? deadQueue : new DeadQueue(connection, pool, publisher, database);
        RowReset.Outcome outcome = new Replay(dead, pool.main(), publisher, resolver,
                new RowReset(database, RowReset.Rules.RETRY), silent, silent).retry(taskId);
        if (outcome instanceof RowReset.Outcome.Reset reset) {
            return new RetryOutcome(taskId, reset.before(), null, false);
        }
        RowReset.Outcome.Refused refused = (RowReset.Outcome.Refused) outcome;
        return new RetryOutcome(taskId, null, refused.why(), refused.noSuchTask());
    }

    /**
     * The queues of the pool a task was submitted to: it runs again there, where the supervisors
     * that run its type are, and its dead letters are in that pool's dead queue, not this one's.
     */
    private QueueNames poolOf(long taskId) {
        return new TaskStore(database).find(taskId).map(task -> task.options().queue())
                .filter(queue -> queue != null && !queue.equals(queues.main()))
                .map(QueueNames::of)
                .orElse(queues);
    }

    @Override
    public void close() {
        closeAll(opened);
    }

    private static void closeAll(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                // Closing is best effort: the ones opened before it must still be closed.
            }
        }
    }
}
