package io.taskfork.consumer.supervisor.launch;

import io.taskfork.shared.task.TaskOutcome;
import io.taskfork.shared.wire.DeadLetterReason;

/**
 * What to record and what to do with the message once a child has ended.
 *
 * @param reason null when the task succeeded (the message is acked); else the dead-letter reason
 * @param detail    one human line: why it ended so
 * @param retryable false when the handler said that running again cannot help
 */
public record Verdict(TaskOutcome outcome, DeadLetterReason reason, String detail, boolean retryable) {

    public Verdict(TaskOutcome outcome, DeadLetterReason reason, String detail) {
        this(outcome, reason, detail, true);
    }

    public boolean succeeded() {
        return reason == null;
    }
}
