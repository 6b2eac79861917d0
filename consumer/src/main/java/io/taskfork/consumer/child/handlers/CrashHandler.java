package io.taskfork.consumer.child.handlers;

import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Unsafe;

/**
 * {@code crash}: kills its own JVM the way the payload says, for demos, tests and fault campaigns.
 * {@code {"mode": "exit", "code": N}} calls System.exit(N); {@code "segv"} reads address 0 (a
 * native crash); {@code "oom"} fills the heap; {@code "leak"} takes {@code "mb"} megabytes
 * (default 4096) of native memory outside the heap, as a leaking native library would, then hangs;
 * {@code "hang"} never returns.
 */
@TaskType("crash")
public final class CrashHandler implements TaskHandler {

    private static final int OOM_CHUNK = 1 << 20;
    private static final long MIB = 1 << 20;
    private static final int DEFAULT_LEAK_MB = 4096;

    @Override
    public Object handle(TaskContext context) throws Exception {
        String mode = context.payload().path("mode").asText("");
        switch (mode) {
            case "exit" -> System.exit(context.payload().path("code").asInt(1));
            case "segv" -> unsafe().getByte(0L);
            case "oom" -> fillHeap();
            case "leak" -> leak(context.payload().path("mb").asInt(DEFAULT_LEAK_MB));
            case "hang" -> hang();
            default -> throw new IllegalArgumentException(
                    "payload needs \"mode\": one of exit, segv, oom, leak, hang; got \"" + mode + "\"");
        }
        throw new IllegalStateException("crash mode " + mode + " did not crash");
    }

    private static Unsafe unsafe() throws ReflectiveOperationException {
        Field field = Unsafe.class.getDeclaredField("theUnsafe");
        field.setAccessible(true);
        return (Unsafe) field.get(null);
    }

    private static void fillHeap() {
        List<long[]> hoard = new ArrayList<>();
        while (hoard.size() < Integer.MAX_VALUE) {
            hoard.add(new long[OOM_CHUNK]);
        }
    }

    // Bounded, so that without TASKFORK_TASK_MEMORY it takes no more than it was told to.
    private static void leak(int megabytes) throws ReflectiveOperationException, InterruptedException {
        Unsafe unsafe = unsafe();
        for (int i = 0; i < megabytes; i++) {
            // written to, so that the pages are resident and not just reserved
            unsafe.setMemory(unsafe.allocateMemory(MIB), MIB, (byte) 1);
        }
        hang();
    }

    private static void hang() throws InterruptedException {
        Object never = new Object();
        synchronized (never) {
            while (true) {
                never.wait();
            }
        }
    }
}
