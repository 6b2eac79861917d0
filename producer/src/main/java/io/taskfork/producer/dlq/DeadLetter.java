package io.taskfork.producer.dlq;

import io.taskfork.producer.queue.QueueMessage;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.TaskMessage;
import java.time.Instant;

/**
 * A dead message with what is known about it: why it went dead, the task it belongs to, and that
 * task's row.
 *
 * @param taskId the task it names, or the task its JSON body created (found by message ID); null when none
 * @param row    the task's row, or null when there is none
 */
record DeadLetter(QueueMessage message, DeathNote death, Long taskId, TaskRows.Row row) {

    String reason() {
        return death.reason();
    }

    String detail() {
        return death.detail();
    }

    /** The row's type, else the type its JSON body asks for; null when neither says. */
    String type() {
        if (row != null) {
            return row.type();
        }
        return message.create().map(TaskMessage.Create::type).orElse(null);
    }

    TaskStatus status() {
        return row == null ? null : row.status();
    }

    /**
     * When the broker dead-lettered it, else when its row's dead letter was confirmed or the task ended, else
     * when the supervisor says it dead-lettered it (a message without a row); null when unknown.
     */
    Instant deadAt() {
        if (death.brokerTime() != null) {
            return death.brokerTime();
        }
        return row != null && row.deadAt() != null ? row.deadAt() : death.supervisorTime();
    }
}
