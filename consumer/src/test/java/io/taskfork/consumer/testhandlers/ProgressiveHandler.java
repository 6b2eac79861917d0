package io.taskfork.consumer.testhandlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;

/**
 * {@code progressive}: reports progress many times, holds at 50% for {@code {"hold_ms": N}}, writes
 * a file into its work directory, and returns where that directory was. With
 * {@code {"reported_to": "/path"}} it writes there the instant it reported 50%.
 */
@TaskType("progressive")
public final class ProgressiveHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) throws Exception {
        for (int percent = 0; percent <= 50; percent++) {
            context.progress().report(percent, percent == 50 ? "halfway" : "warming up");
        }
        if (context.payload().hasNonNull("reported_to")) {
            // when 50% was reported, for a test that times its way to the row
            Path to = Path.of(context.payload().get("reported_to").asText());
            Path written = Files.writeString(to.resolveSibling(to.getFileName() + ".part"), Instant.now().toString());
            Files.move(written, to, StandardCopyOption.ATOMIC_MOVE);
        }
        context.logger().log(System.Logger.Level.INFO, "holding at half");
        Thread.sleep(context.payload().path("hold_ms").asLong(1000));
        Path scratch = Files.writeString(context.workDirectory().resolve("scratch.txt"), "work");
        Files.writeString(Path.of("relative.txt"), "work");
        return Map.of("work_directory", context.workDirectory().toString(),
                "cwd_is_work_directory", Files.isSameFile(Path.of("").toAbsolutePath(), context.workDirectory()),
                "relative_write_landed", Files.exists(context.workDirectory().resolve("relative.txt")),
                "scratch_existed", Files.exists(scratch));
    }
}
