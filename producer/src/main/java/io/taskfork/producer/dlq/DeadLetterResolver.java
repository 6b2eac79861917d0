package io.taskfork.producer.dlq;

import io.taskfork.producer.queue.QueueMessage;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.TaskMessage;
import io.taskfork.shared.wire.WireFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Finds the task and the row of dead messages: a few at once in two queries, or one at a time. */
final class DeadLetterResolver {

    private final TaskRows rows;

    DeadLetterResolver(TaskRows rows) {
        this.rows = rows;
    }

    DeadLetter resolve(QueueMessage message) {
        return resolveAll(List.of(message)).get(0);
    }

    List<DeadLetter> resolveAll(List<QueueMessage> messages) {
        Set<String> messageIds = new HashSet<>();
        for (QueueMessage message : messages) {
            if (message.namedTaskId().isEmpty()) {
                creatorId(message).ifPresent(messageIds::add);
            }
        }
        Map<String, TaskRows.Row> created = rows.byMessageIds(messageIds);
        List<Long> taskIds = new ArrayList<>(messages.size());
        for (QueueMessage message : messages) {
            taskIds.add(message.namedTaskId()
                    .or(() -> creatorId(message).map(created::get).map(TaskRows.Row::id))
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

    /**
     * The message ID of a JSON body that creates a task: the row it created, if any, carries it. A
     * message dead-lettered as malformed created none: one whose ID had made a task from another
     * message would otherwise be taken for that task's, and a replay would run the other work.
     */
    private static Optional<String> creatorId(QueueMessage message) {
        if (DeadLetterReason.MALFORMED.value().equals(message.text(WireFormat.REASON_HEADER))) {
            return Optional.empty();
        }
        return message.create().map(TaskMessage.Create::messageId);
    }
}
