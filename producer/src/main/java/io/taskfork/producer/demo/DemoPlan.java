package io.taskfork.producer.demo;

import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.TaskStatus;
import java.util.List;

/** The mixed batch the demo runs: every built-in type and every way a child can die. */
final class DemoPlan {

    /** Submitted through the producer: a row first, then its ID on the queue. */
    static final List<DemoTask> SUBMITTED = List.of(
            DemoTask.succeeds("echo", "{\"hello\":\"world\"}"),
            // early, while the sleeps leave it the CPU: it must outgrow its cap before the task timeout
            DemoTask.crashes("{\"mode\":\"leak\",\"mb\":2048}", FailureKind.MEMORY),
            DemoTask.succeeds("sleep", "{\"ms\":1500}"),
            DemoTask.succeeds("sleep", "{\"ms\":1500}"),
            DemoTask.succeeds("sleep", "{\"ms\":1500}"),
            DemoTask.succeeds("sleep", "{\"ms\":1500}"),
            DemoTask.fails("fail", "{\"message\":\"bad input, on purpose\"}", FailureKind.EXCEPTION),
            DemoTask.crashes("{\"mode\":\"exit\",\"code\":3}", FailureKind.EXIT),
            DemoTask.crashes("{\"mode\":\"exit\",\"code\":0}", FailureKind.EXIT),
            DemoTask.crashes("{\"mode\":\"segv\"}", FailureKind.SIGNAL),
            DemoTask.crashes("{\"mode\":\"oom\"}", FailureKind.OOM),
            DemoTask.crashes("{\"mode\":\"hang\"}", FailureKind.TIMEOUT));

    /** Published as JSON straight onto the queue, as a script in any language would: no row first. */
    static final List<DemoTask> PUBLISHED_AS_JSON = List.of(
            DemoTask.succeeds("echo", "{\"sent_by\":\"any AMQP client\"}"),
            // later: scheduled, and published by the supervisor when its time comes
            DemoTask.withFields("echo", "{\"later\":true}", "\"delay\":\"2s\"", TaskStatus.SUCCEEDED),
            // worthless once late, and late already: it never runs
            DemoTask.withFields("echo", "{\"late\":true}", "\"expires_at\":\"2026-01-01T00:00:00Z\"",
                    TaskStatus.EXPIRED),
            DemoTask.fails("transmogrify", "{}", FailureKind.UNKNOWN_TYPE));

    /** A body that is no task at all: dead-lettered as malformed, with no row. */
    static final String MALFORMED_BODY = "hello, taskfork";

    /** The demo's children are killed after this, so that the hanging task ends quickly. */
    static final String TASK_TIMEOUT = "5s";

    /**
     * A small heap, so that filling it is quick; and a cap above what a child with that heap full
     * holds (about 110 MiB), which the leaking task outgrows within a second even on a busy host.
     */
    static final String CHILD_HEAP = "64m";
    static final String TASK_MEMORY = "192m";

    private DemoPlan() {
    }

    /** Messages the dead-letter queue should hold at the end: every task that did not succeed, and the malformed one. */
    static long expectedDeadLetters() {
        return java.util.stream.Stream.concat(SUBMITTED.stream(), PUBLISHED_AS_JSON.stream())
                .filter(task -> task.expectedKind() != null)
                .count() + 1;
    }
}
