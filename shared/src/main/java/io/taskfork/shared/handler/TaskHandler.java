package io.taskfork.shared.handler;

/**
 * Runs one type of task. Implementations are found with {@link java.util.ServiceLoader} (list them
 * in {@code META-INF/services/io.taskfork.shared.handler.TaskHandler}) and run only inside a child
 * JVM of their own, one task per JVM: a handler may crash, leak or hang without harming anything
 * but its own task.
 */
public interface TaskHandler {

    /** The task type this handler runs, as in the {@code type} column. */
    String type();

    /**
     * Runs the task.
     *
     * @return the result, anything Jackson can write as JSON (a {@code JsonNode}, a record, a map, null)
     * @throws Exception to fail the task; the message and stack trace go to the {@code error} column
     */
    Object handle(TaskContext context) throws Exception;
}
