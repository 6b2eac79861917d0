package io.taskfork.shared.wire;

import io.taskfork.shared.TaskforkException;

/** A message that can never be run; it is dead-lettered with {@link #reason()} and the message as detail. */
public final class MalformedMessageException extends TaskforkException {

    private final DeadLetterReason reason;

    public MalformedMessageException(DeadLetterReason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
