package io.taskfork.shared.handler;

/**
 * Runs one type of task. Implementations are found with {@link java.util.ServiceLoader}: list them
 * in {@code META-INF/services/io.taskfork.shared.handler.TaskHandler} of a jar on
 * {@code TASKFORK_HANDLER_PATH}. Each task runs in a child JVM of its own, one task per JVM, so a
 * handler may crash, leak or hang without harming anything but its own task.
 *
 * <pre>{@code
 * @TaskType("sha256")
 * public final class Sha256Handler implements TaskHandler {
 *     public Object handle(TaskContext context) throws Exception {
 *         Path file = Path.of(context.payload().path("file").asText());
 *         context.progress().report(50, "hashing " + file);
 *         return Map.of("sha256", ...);
 *     }
 * }
 * }</pre>
 */
public interface TaskHandler {

    /**
     * The task type this handler runs. By default the value of its {@link TaskType} annotation,
     * which is the way to name it; override only where the name must be computed.
     */
    default String type() {
        TaskType type = getClass().getAnnotation(TaskType.class);
        if (type == null) {
            throw new IllegalStateException(getClass().getName() + " has no @TaskType and does not override type()");
        }
        return type.value();
    }

    /**
     * Runs the task. Whatever it prints goes to the task's log, never to its result.
     *
     * @return the result, anything Jackson can write as JSON (a {@code JsonNode}, a record, a map, null)
     * @throws NonRetryableException to fail the task at once, without the retries it has left
     * @throws Exception to fail this attempt; the task runs again while it has attempts left, and
     *         the message and stack trace go to the {@code error} column
     */
    Object handle(TaskContext context) throws Exception;
}
