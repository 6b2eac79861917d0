package io.taskfork.consumer.testhandlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.util.Map;

/**
 * {@code flaky}: throws on every attempt before {@code {"succeed_on": N}}, then returns the attempt.
 * With {@code {"say": "text", "hold_ms": M}} each attempt first prints the text and holds, and the
 * one that succeeds then prints {@code attempt N} and holds again: every attempt's log starts alike.
 */
@TaskType("flaky")
public final class FlakyHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) throws InterruptedException {
        int succeedOn = context.payload().path("succeed_on").asInt(Integer.MAX_VALUE);
        long holdMs = context.payload().path("hold_ms").asLong(0);
        say(context.payload().path("say").asText(null), holdMs);
        if (context.attempt() < succeedOn) {
            throw new IllegalStateException("attempt " + context.attempt() + " fails on purpose");
        }
        say(context.payload().has("say") ? "attempt " + context.attempt() : null, holdMs);
        return Map.of("attempt", context.attempt());
    }

    private static void say(String text, long holdMs) throws InterruptedException {
        if (text != null) {
            System.out.println(text);
            System.out.flush();
            Thread.sleep(holdMs);
        }
    }
}
