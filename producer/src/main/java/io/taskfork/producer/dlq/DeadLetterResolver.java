package io.taskfork.producer.dlq;

import io.taskfork.producer.queue.QueueMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        List<Named> names = messages.stream().map(this::named).toList();
        Set<String> messageIds = new HashSet<>();
        names.forEach(name -> {
            if (name.creatorId() != null) {
                messageIds.add(name.creatorId());
            }
        });
        Map<String, TaskRows.Row> created = rows.byMessageIds(messageIds);
        List<Long> taskIds = new ArrayList<>(messages.size());
        for (Named name : names) {
            TaskRows.Row row = name.creatorId() == null ? null : created.get(name.creatorId());
            taskIds.add(name.taskId() != null ? name.taskId() : row == null ? null : row.id());
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

    /** What a message names by itself: a task, or else the message ID of the JSON body that made one. */
    private record Named(Long taskId, String creatorId) {
    }

    // Each read of a name parses the body again: read once here for both passes.
    private Named named(QueueMessage message) {
        if (message.ofAnotherSchema(schema)) {
            return new Named(null, null);
        }
        Optional<Long> taskId = message.namedTaskId();
        return taskId.isPresent() ? new Named(taskId.get(), null) : new Named(null, message.creatorId().orElse(null));
    }
}
