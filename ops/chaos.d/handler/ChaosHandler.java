package io.taskfork.chaos;

import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskContext;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * {@code chaos}: the fault campaign's task. Payload {@code {"ms": N, "runs": "/path/runs.log"}}:
 * sleeps N ms, then records this run as one line {@code "<taskId> <attempt> <token> <epoch-ms>
 * <pid>"} in the runs file and returns the same token. A task with two lines in the runs file ran
 * to success twice; the time and the child's pid tie each run to the supervisor logs.
 */
public final class ChaosHandler implements TaskHandler {

    @Override
    public String type() {
        return "chaos";
    }

    @Override
    public Object handle(TaskContext context) throws Exception {
        long sleepMs = context.payload().path("ms").asLong(100);
        String runs = context.payload().path("runs").asText("");
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("payload needs \"runs\": the file each successful run is recorded in");
        }
        Thread.sleep(sleepMs);
        String token = UUID.randomUUID().toString();
        record(runs, context.taskId() + " " + context.attempt() + " " + token + " " + System.currentTimeMillis()
                + " " + ProcessHandle.current().pid() + "\n");
        // Nothing may fail after the line is written: a line must mean "the handler returned".
        return Map.of("token", token, "slept_ms", sleepMs);
    }

    // One write() on a file opened with O_APPEND: lines from children running at the same time
    // never interleave, and a child killed mid-way leaves a whole line or none.
    private static void record(String runs, String line) throws IOException {
        try (FileOutputStream out = new FileOutputStream(runs, true)) {
            out.write(line.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
