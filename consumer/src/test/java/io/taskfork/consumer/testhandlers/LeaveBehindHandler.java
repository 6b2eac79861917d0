package io.taskfork.consumer.testhandlers;

import io.taskfork.consumer.child.handlers.CrashHandler;
import io.taskfork.consumer.testing.LeftBehind;
import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code leave-behind}: starts the background process and the daemon of {@link LeftBehind}, named
 * by {@code {"name": N}}, waits until the file {@code "go"} exists (so that a test sees both run
 * before the end it causes), then ends as the crash type does with the same payload: {@code "mode"}
 * {@code segv} kills the JVM with a native crash, {@code exit} calls System.exit; or {@code throw}
 * throws, which fails the task, and {@code return} returns, which succeeds.
 */
@TaskType("leave-behind")
public final class LeaveBehindHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) throws Exception {
        new ProcessBuilder("bash", "-c", LeftBehind.shell(context.payload().path("name").asText()))
                .start()
                .waitFor();
        Path go = Path.of(context.payload().path("go").asText());
        while (!Files.exists(go)) {
            Thread.sleep(10);
        }
        if (context.payload().path("mode").asText().equals("throw")) {
            throw new IllegalStateException("failed after leaving two processes running");
        }
        if (context.payload().path("mode").asText().equals("return")) {
            return "succeeded after leaving two processes running";
        }
        return new CrashHandler().handle(context);
    }
}
