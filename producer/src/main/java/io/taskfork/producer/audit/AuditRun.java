package io.taskfork.producer.audit;

import com.rabbitmq.client.Connection;
import io.taskfork.producer.queue.ConfirmedPublisher;
import io.taskfork.producer.queue.Queues;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.topology.QueueNames;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** One run of {@code ops/taskfork audit}: connects, looks, mends if asked, prints, and closes what it opened. */
public final class AuditRun {

    /** How long a second look waits after a first that found something. */
    public static final Duration SETTLE = Duration.ofSeconds(2);

    private static final String NAME = "taskfork-audit";
    private static final int POOL_SIZE = 2;
    private static final int CLOSE_TIMEOUT_MS = 5_000;

    private AuditRun() {
    }

    /**
     * Audits the queues and rows of {@code settings}, and repairs what {@code repair} allows.
     *
     * @return true when nothing was found
     */
    public static boolean run(Settings settings, boolean repair, boolean json, PrintStream out)
            throws InterruptedException {
        QueueNames queues = QueueNames.of(settings.amqp().queue());
        Connection connection = Broker.connect(settings.amqp(), NAME);
        try (Database database = Database.connect(settings.db(), POOL_SIZE, NAME)) {
            database.migrateExisting();
            Queues.requireExisting(connection, queues);
            try (ConfirmedPublisher publisher = ConfirmedPublisher.open(connection)) {
                Audit audit = new Audit(connection, queues, publisher, database);
                Audit.Look look = audit.look(SETTLE);
                List<String> repairs = repair ? audit.repair(look) : List.of();
                AuditReport.print(look, repairs, json, out);
                return look.findings().clean();
            }
        } finally {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close(CLOSE_TIMEOUT_MS);
        } catch (IOException | RuntimeException e) {
            // closing is best effort
        }
    }
}
