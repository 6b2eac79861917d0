package io.taskfork.producer.audit;

import io.taskfork.producer.dlq.Dlq;
import io.taskfork.producer.queue.QueueMessage;
import io.taskfork.producer.queue.QueueScan;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which tasks one queue holds messages for, read without taking any: a message names its task by
 * its ID (body or {@code x-taskfork-task-id}), or, for a JSON message, by the {@code message_id}
 * that made its row.
 *
 * @param total   messages ready when the look began
 * @param all     every message
 * @param atLimit the messages dead-lettered at the delivery limit, by the supervisor or the broker
 *                (counted in a dead-letter queue only: {@link #ofDead})
 */
record QueueCensus(String queue, long total, Counts all, Counts atLimit) {

    /**
     * Messages per task.
     *
     * @param byTask      messages per task ID
     * @param byMessageId JSON messages per {@code message_id}, whose rows are looked up later
     */
    record Counts(Map<Long, Integer> byTask, Map<String, Integer> byMessageId) {

        Counts() {
            this(new HashMap<>(), new HashMap<>());
        }

        private void add(QueueMessage message, String schema) {
            if (message.ofAnotherSchema(schema)) {
                // another installation's, on a queue the two share: no task of this schema's
                return;
            }
            var taskId = message.namedTaskId();
            if (taskId.isPresent()) {
                byTask.merge(taskId.get(), 1, Integer::sum);
            } else {
                // none for a malformed letter, which made no row: its message_id may be another message's
                message.creatorId().ifPresent(id -> byMessageId.merge(id, 1, Integer::sum));
            }
        }

        private Counts resolved(Map<String, Long> taskIdsByMessageId) {
            Counts resolved = new Counts(new HashMap<>(byTask), new HashMap<>());
            byMessageId.forEach((messageId, count) -> {
                Long id = taskIdsByMessageId.get(messageId);
                if (id == null) {
                    resolved.byMessageId.put(messageId, count);
                } else {
                    resolved.byTask.merge(id, count, Integer::sum);
                }
            });
            return resolved;
        }
    }

    /** Reads every message {@code scan} has, holding them all until the caller closes it. */
    static QueueCensus of(String queue, QueueScan scan, String schema) {
        return of(queue, scan, schema, false);
    }

    /** As {@link #of}, for a dead-letter queue: the letters given up at the limit counted too. */
    static QueueCensus ofDead(String queue, QueueScan scan, String schema) {
        return of(queue, scan, schema, true);
    }

    private static QueueCensus of(String queue, QueueScan scan, String schema, boolean dead) {
        Counts all = new Counts();
        Counts atLimit = new Counts();
        for (QueueMessage message = scan.next(); message != null; message = scan.next()) {
            all.add(message, schema);
            if (dead && Dlq.deadAtTheDeliveryLimit(message)) {
                atLimit.add(message, schema);
            }
        }
        return new QueueCensus(queue, scan.total(), all, atLimit);
    }

    /** The same census with its JSON messages counted for the tasks they made, where a row exists. */
    QueueCensus resolved(Map<String, Long> taskIdsByMessageId) {
        return new QueueCensus(queue, total, all.resolved(taskIdsByMessageId), atLimit.resolved(taskIdsByMessageId));
    }

    /** The {@code message_id}s of JSON messages whose rows are still to be looked up. */
    Set<String> messageIds() {
        return all.byMessageId().keySet();
    }

    /** The tasks with a message here. */
    Set<Long> tasks() {
        return all.byTask().keySet();
    }

    /** The tasks with a message here that was dead-lettered at the delivery limit. */
    Set<Long> tasksAtTheDeliveryLimit() {
        return atLimit.byTask().keySet();
    }

    int count(long taskId) {
        return all.byTask().getOrDefault(taskId, 0);
    }

    /** Tasks with a message in any of {@code censuses}. */
    static Set<Long> tasksIn(List<QueueCensus> censuses) {
        Set<Long> tasks = new HashSet<>();
        censuses.forEach(census -> tasks.addAll(census.tasks()));
        return tasks;
    }
}
