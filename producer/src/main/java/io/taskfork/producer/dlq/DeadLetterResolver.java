package io.taskfork.producer.dlq;

import io.taskfork.producer.queue.QueueMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Finds the task and the row of dead messages: a few at once in two queries, or one at a time. */
final class DeadLetterResolver {

    private final TaskRows rows;
    private final String schema;

    /** @param schema the schema of {@code rows}: a letter naming a task of another is no letter of any row here */
    DeadLetterResolver(TaskRows rows, String schema) {
        this.rows = rows;
        this.schema = schema;
    }

    String schema() {
        return schema;
    }

    DeadLetter resolve(QueueMessage message) {
        return resolveAll(List.of(message)).get(0);
    }

    List<DeadLetter> resolveAll(List<QueueMessage> messages) {
        Set<String> messageIds = new HashSet<>();
        for (QueueMessage message : messages) {
            if (message.namedTaskId().isEmpty()) {
                message.creatorId().ifPresent(messageIds::add);
            }
        }
        Map<String, TaskRows.Row> created = rows.byMessageIds(messageIds);
        List<Long> taskIds = new ArrayList<>(messages.size());
        for (QueueMessage message : messages) {
            taskIds.add(message.ofAnotherSchema(schema) ? null : message.namedTaskId()
                    .or(() -> message.creatorId().map(created::get).map(TaskRows.Row::id))
                    .orElse(null));
        }
        Map<Long, TaskRows.Row> found = rows.byIds(taskIds.stream().filter(id -> id != null).toList());
        List<DeadLetter> letters = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Long taskId = taskIds.get(i);
            letters.add(new DeadLetter(messages.get(i), DeathNote.of(messages.get(i)), taskId,
                    taskId == null ? null : found.get(taskId)));
        }
        return letters;
    }
}
