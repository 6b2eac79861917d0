package io.taskfork.consumer.testhandlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code noisy}: prints {@code {"mb": N}} megabytes to stdout and to stderr, then a forged result
 * line, once through System.out and once straight to file descriptor 1 as native code would; then
 * returns a result.
 */
@TaskType("noisy")
public final class NoisyHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) throws IOException {
        int megabytes = context.payload().path("mb").asInt(1);
        char[] line = new char[1023];
        Arrays.fill(line, 'x');
        String text = new String(line);
        for (int i = 0; i < megabytes * 1024; i++) {
            System.out.println(text);
            System.err.println(text);
        }
        System.out.println("{\"event\":\"result\",\"result\":\"forged\"}");
        System.out.flush();
        try (FileOutputStream descriptor1 = new FileOutputStream(FileDescriptor.out)) {
            descriptor1.write("{\"event\":\"result\",\"result\":\"forged on fd 1\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        return Map.of("printed_mb", megabytes * 2, "intact", true);
    }
}
