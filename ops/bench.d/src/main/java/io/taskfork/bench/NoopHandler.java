package io.taskfork.bench;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.time.Instant;
import java.util.Map;

/**
 * The task the bench runs: does nothing but say when it began, in epoch microseconds, so that the
 * time from delivery to handler start can be read from the row ({@code result.handler_started_us}
 * against {@code started_at}, both on this machine's clock). Children of the supervisor find it
 * through TASKFORK_HANDLER_PATH; the in-process baseline calls it directly.
 */
@TaskType(NoopHandler.TYPE)
public final class NoopHandler implements TaskHandler {

    public static final String TYPE = "bench-noop";
    public static final String STARTED_FIELD = "handler_started_us";

    @Override
    public Object handle(TaskContext context) {
        Instant now = Instant.now();
        return Map.of(STARTED_FIELD, now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
    }
}
