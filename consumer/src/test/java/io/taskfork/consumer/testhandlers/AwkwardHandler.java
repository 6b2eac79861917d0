package io.taskfork.consumer.testhandlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code awkward}: what a handler may do that the handler API does not forbid. {@code {"does":
 * "read-stdin"}} reads System.in to its end and returns how many bytes it got; {@code {"does":
 * "return-unwritable"}} returns an object that Jackson cannot write, {@code {"does": "return-itself"}} a
 * map that holds itself, {@code {"does": "return-too-deep"}} lists nested deeper than JSON is written,
 * {@code {"does": "return-megabytes", "mb": N}} a string of N MiB, {@code {"does": "start-threads"}}
 * starts threads that wait for ever, up to 100,000, which a process limit stops before.
 */
@TaskType("awkward")
public final class AwkwardHandler implements TaskHandler {

    /** No getters, no annotations: Jackson finds no property to write. */
    static final class Opaque {
    }

    @Override
    public Object handle(TaskContext context) throws Exception {
        String does = context.payload().path("does").asText();
        return switch (does) {
            case "read-stdin" -> Map.of("stdin_bytes", System.in.readAllBytes().length);
            case "return-unwritable" -> new Opaque();
            case "return-itself" -> {
                Map<String, Object> itself = new HashMap<>();
                itself.put("itself", itself);
                yield itself;
            }
            case "return-too-deep" -> {
                Object nested = "bottom";
                for (int depth = 0; depth < 5000; depth++) {
                    nested = List.of(nested);
                }
                yield nested;
            }
            case "return-megabytes" -> "x".repeat(context.payload().path("mb").asInt() << 20);
            case "start-threads" -> {
                for (int started = 0; started < 100_000; started++) {
                    Thread waiting = new Thread(LockSupport::park);
                    waiting.setDaemon(true);
                    waiting.start();
                }
                yield "started 100000 threads";
            }
            default -> throw new IllegalArgumentException("unknown: " + does);
        };
    }
}
