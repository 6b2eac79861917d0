package io.taskfork.consumer.testhandlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.nio.file.Files;
import java.util.Map;

/**
 * {@code litter}: writes {@code litter.txt} into its work directory, waits {@code hold_ms} (0 by
 * default), then ends as {@code {"then": "return"|"exit"|"hang"}} says: returns, calls
 * {@code System.exit(7)}, or sleeps until it is killed.
 */
@TaskType("litter")
public final class LitterHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) throws Exception {
        Files.writeString(context.workDirectory().resolve("litter.txt"), "left by task " + context.taskId());
        Thread.sleep(context.payload().path("hold_ms").asLong(0));
        switch (context.payload().path("then").asText("return")) {
            case "exit" -> System.exit(7);
            case "hang" -> Thread.sleep(Long.MAX_VALUE);
            default -> {
                // return below
            }
        }
        return Map.of("work_directory", context.workDirectory().toString());
    }
}
