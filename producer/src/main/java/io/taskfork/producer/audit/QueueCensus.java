package io.taskfork.producer.audit;

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
 * @param total      messages ready when the look began
 * @param byTask     messages per task ID
 * @param byMessageId JSON messages per {@code message_id}, whose rows are looked up later
 */
record QueueCensus(String queue, long total, Map<Long, Integer> byTask, Map<String, Integer> byMessageId) {

    /** Reads every message {@code scan} has, holding them all until the caller closes it. */
    static QueueCensus of(String queue, QueueScan scan) {
        Map<Long, Integer> byTask = new HashMap<>();
        Map<String, Integer> byMessageId = new HashMap<>();
        for (QueueMessage message = scan.next(); message != null; message = scan.next()) {
            var taskId = message.namedTaskId();
            if (taskId.isPresent()) {
                byTask.merge(taskId.get(), 1, Integer::sum);
            } else if (message.create().isPresent() && message.create().get().messageId() != null) {
                byMessageId.merge(message.create().get().messageId(), 1, Integer::sum);
            }
        }
        return new QueueCensus(queue, scan.total(), byTask, byMessageId);
    }

    /** The same census with its JSON messages counted for the tasks they made, where a row exists. */
    QueueCensus resolved(Map<String, Long> taskIdsByMessageId) {
        Map<Long, Integer> counts = new HashMap<>(byTask);
        Map<String, Integer> unresolved = new HashMap<>();
        byMessageId.forEach((messageId, count) -> {
            Long id = taskIdsByMessageId.get(messageId);
            if (id == null) {
                unresolved.put(messageId, count);
            } else {
                counts.merge(id, count, Integer::sum);
            }
        });
        return new QueueCensus(queue, total, counts, unresolved);
    }

    /** The tasks with a message here. */
    Set<Long> tasks() {
        return byTask.keySet();
    }

    int count(long taskId) {
        return byTask.getOrDefault(taskId, 0);
    }

    /** Tasks with a message in any of {@code censuses}. */
    static Set<Long> tasksIn(List<QueueCensus> censuses) {
        Set<Long> tasks = new HashSet<>();
        censuses.forEach(census -> tasks.addAll(census.tasks()));
        return tasks;
    }
}
