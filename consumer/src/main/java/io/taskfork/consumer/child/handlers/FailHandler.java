package io.taskfork.consumer.child.handlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;

/** {@code fail}: throws, with {@code {"message": "..."}} as the exception's message. */
@TaskType("fail")
public final class FailHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) {
        throw new TaskFailedOnPurpose(context.payload().path("message").asText("failed on purpose"));
    }

    /** The exception of a task that was asked to fail. */
    static final class TaskFailedOnPurpose extends RuntimeException {
        TaskFailedOnPurpose(String message) {
            super(message);
        }
    }
}
