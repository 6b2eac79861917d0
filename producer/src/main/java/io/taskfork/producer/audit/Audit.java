package io.taskfork.producer.audit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.taskfork.producer.dlq.Dlq;
import io.taskfork.producer.queue.ConfirmedPublisher;
import io.taskfork.producer.queue.LookTurn;
import io.taskfork.producer.queue.QueueException;
import io.taskfork.producer.queue.QueueScan;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.EarlyResults;
import io.taskfork.shared.store.Outbox;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.topology.QueueNames;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the task rows with the three queues, as fsck compares a file system with itself, and
 * mends what it may: a lost task is published again, and a row a dead supervisor left running is
 * given back. Messages are read without being taken; the rows are read while the queues' messages
 * are held, so that no task can start from one of them in between.
 */
final class Audit {

    // The audit knows no task timeout: a supervisor counts as gone by its heartbeat alone.
    private static final Duration NO_TIMEOUT = Duration.ofDays(36_500);

    /** Retry-queue messages go back in place, as fresh copies only when worn, so their delays keep running. */
    private static final QueueScan.Refresh RETRY_REFRESH = QueueScan.Refresh.wornAfter(10,
            (original, headers) -> headers);

    private final Connection connection;
    private final QueueNames queues;
    private final ConfirmedPublisher publisher;
    private final AuditRows rows;
    private final Database database;
    private final Outbox outbox;
    private final EarlyResults earlyResults;

    Audit(Connection connection, QueueNames queues, ConfirmedPublisher publisher, Database database) {
        this.connection = connection;
        this.queues = queues;
        this.publisher = publisher;
        this.rows = new AuditRows(database, queues.main());
        this.database = database;
        this.outbox = new Outbox(database);
        this.earlyResults = new TaskStore(database).earlyResults();
    }

    /** One look at everything, as it was at one moment. */
    record Look(long tasks, long mainConsumers, List<QueueCensus> queues, Findings findings,
            Map<Long, AuditRows.Row> suspects) {

        QueueCensus main() {
            return queues.get(0);
        }

        /** Tasks with a message that would run them: in the main or the retry queue. */
        Set<Long> tasksWithMessages() {
            return runnable(queues);
        }

        /**
         * Tasks given up on at the delivery limit: a dead letter of another reason may be a stale
         * one, left behind a task since put back to run, whose message a supervisor holds.
         */
        Set<Long> tasksAtTheDeliveryLimit() {
            return queues.get(2).tasksAtTheDeliveryLimit();
        }
    }

    /**
     * Looks once; when that finds anything, looks again after {@code settle} and keeps only what
     * both looks found.
     */
    Look look(Duration settle) throws InterruptedException {
        Look first = lookOnce();
        if (first.findings().clean()) {
            return first;
        }
        Thread.sleep(settle.toMillis());
        Look second = lookOnce();
        return new Look(second.tasks(), second.mainConsumers(), second.queues(),
                first.findings().confirmedBy(second.findings()), second.suspects());
    }

    /**
     * Publishes the lost tasks again and gives back the rows of dead supervisors, each only if its
     * row is still as the look saw it; changes nothing else.
     *
     * @return a line for each task, saying what was done
     */
    List<String> repair(Look look) {
        List<String> done = new ArrayList<>();
        Set<Long> withMessages = look.tasksWithMessages();
        Set<Long> givenUp = look.tasksAtTheDeliveryLimit();
        for (long id : look.findings().lost()) {
            AuditRows.Row row = look.suspects().get(id);
            if (givenUp.contains(id)) {
                done.add(endDeadLettered(row, "its only message is a dead letter"));
            } else {
                done.add(rows.owe(row) ? publish(id, "published again")
                        : "task " + id + ": left alone, it changed since the look (" + row.status() + " before)");
            }
        }
        for (long id : look.findings().deadRunner()) {
            AuditRows.Row row = look.suspects().get(id);
            if (earlyResults.settleOrphaned(id, NO_TIMEOUT)) {
                done.add("task " + id + ": recorded as succeeded; its handler had returned when supervisor "
                        + row.worker() + " went");
            } else if (!withMessages.contains(id) && givenUp.contains(id)) {
                done.add(endDeadLettered(row, "left running by dead supervisor " + row.worker()
                        + ", its only message is a dead letter"));
            } else if (!rows.release(row)) {
                done.add("task " + id + ": left alone, it changed since the look");
            } else if (withMessages.contains(id)) {
                outbox.markPublished(List.of(id));
                done.add("task " + id + ": given back by dead supervisor " + row.worker() + "; queued, its message"
                        + " is in " + queues.main() + " or " + queues.retry());
            } else {
                done.add(publish(id, "given back by dead supervisor " + row.worker() + " and published again"));
            }
        }
        return done;
    }

    /**
     * Ends a row whose message went dead at the delivery limit, as the supervisor ends it then: given
     * back or published again, it would run once more a task its dead letter says was
     * given up on, and leave that dead letter behind a task that is not ended.
     */
    private String endDeadLettered(AuditRows.Row row, String why) {
        String error = why + " in " + queues.dead() + "; ended by audit --repair";
        return rows.endAtDeliveryLimit(row, error)
                ? "task " + row.id() + ": " + why + " in " + queues.dead() + "; failed as delivery-limit"
                        + " (dlq replay runs it again)"
                : "task " + row.id() + ": left alone, it changed since the look (" + row.status() + " before)";
    }

    private String publish(long id, String what) {
        try {
            publisher.publish(queues.main(), WireFormat.taskIdProperties(id, database.schema()).build(),
                    WireFormat.taskIdBody(id));
        } catch (QueueException e) {
            return "task " + id + ": queued, but its message was not published (" + e.getMessage()
                    + "); a supervisor's outbox sweep publishes it within TASKFORK_OUTBOX_AGE";
        }
        outbox.markPublished(List.of(id));
        return "task " + id + ": " + what;
    }

    private Look lookOnce() {
        // Counted before the looks begin: a quorum queue counts a channel that reads from it as a consumer.
        long consumers = consumers();
        try (LookTurn turn = LookTurn.take(database, queues.main());
                QueueScan main = scan(queues.main(), QueueScan.Refresh.EVERY);
                QueueScan retry = scan(queues.retry(), RETRY_REFRESH);
                QueueScan dead = scan(queues.dead(), Dlq.REFRESH)) {
            String schema = database.schema();
            List<QueueCensus> held = List.of(QueueCensus.of(queues.main(), main, schema),
                    QueueCensus.of(queues.retry(), retry, schema), QueueCensus.ofDead(queues.dead(), dead, schema));
            return compare(resolve(held), consumers);
        }
    }

    private List<QueueCensus> resolve(List<QueueCensus> censuses) {
        Set<String> messageIds = new HashSet<>();
        censuses.forEach(census -> messageIds.addAll(census.messageIds()));
        if (messageIds.isEmpty()) {
            return censuses;
        }
        Map<String, Long> made = rows.idsByMessageId(messageIds);
        return censuses.stream().map(census -> census.resolved(made)).toList();
    }

    private Look compare(List<QueueCensus> censuses, long mainConsumers) {
        QueueCensus main = censuses.get(0);
        QueueCensus retry = censuses.get(1);
        QueueCensus dead = censuses.get(2);
        Set<Long> withMessages = QueueCensus.tasksIn(censuses);
        // A dead letter runs nothing: a row whose only message is one is lost.
        Set<Long> runnable = runnable(censuses);
        Map<Long, AuditRows.Row> suspects = new HashMap<>();
        List<AuditRows.Row> lost = rows.waitingWithMessageSent().stream()
                .filter(row -> !runnable.contains(row.id())).toList();
        List<AuditRows.Row> deadRunners = rows.runningOnDeadSupervisors();
        lost.forEach(row -> suspects.put(row.id(), row));
        deadRunners.forEach(row -> suspects.put(row.id(), row));
        Map<Long, String> deadLetterStatuses = rows.statuses(dead.tasks());
        List<Long> deadLetterNotEnded = deadLetterStatuses.entrySet().stream()
                .filter(entry -> !entry.getValue().equals("failed") && !entry.getValue().equals("crashed"))
                .map(Map.Entry::getKey).sorted().toList();
        List<Long> duplicated = withMessages.stream()
                .filter(id -> main.count(id) + retry.count(id) > 1 || dead.count(id) > 1).sorted().toList();
        Findings findings = new Findings(Findings.ids(lost, AuditRows.Row::id),
                Findings.ids(deadRunners, AuditRows.Row::id), rows.endedBadlyWithout(dead.tasks()),
                deadLetterNotEnded, duplicated);
        return new Look(rows.count(), mainConsumers, censuses, findings, suspects);
    }

    /** The tasks of the main and retry queues' censuses (the first two): those a message would run. */
    private static Set<Long> runnable(List<QueueCensus> censuses) {
        return QueueCensus.tasksIn(censuses.subList(0, 2));
    }

    /** A scan on a channel of its own, which closing the scan closes. */
    private QueueScan scan(String queue, QueueScan.Refresh refresh) {
        try {
            Channel channel = connection.createChannel();
            if (channel == null) {
                throw new IOException("the broker allows no more channels on this connection");
            }
            return new QueueScan(channel, queue, publisher, refresh);
        } catch (IOException e) {
            throw new QueueException("cannot read " + queue + ": " + ConfirmedPublisher.reason(e), e);
        }
    }

    private long consumers() {
        try (Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queues.main()).getConsumerCount();
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new QueueException("cannot count the consumers of " + queues.main() + ": "
                    + ConfirmedPublisher.reason(e), e);
        }
    }
}
