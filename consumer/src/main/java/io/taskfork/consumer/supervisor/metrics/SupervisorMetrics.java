package io.taskfork.consumer.supervisor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.task.Usage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The supervisor's meters. Names follow Prometheus conventions once exported: the
 * {@code taskfork_} prefix, seconds as the base unit, {@code _total} on counters.
 */
public final class SupervisorMetrics {

    public static final String TASKS_FINISHED = "taskfork.tasks.finished";
    public static final String TASKS_RETRIED = "taskfork.tasks.retried";
    public static final String DEAD_LETTERED = "taskfork.messages.dead.lettered";
    public static final String CHILDREN_RUNNING = "taskfork.children.running";
    public static final String CHILDREN_STANDBY = "taskfork.children.standby";
    public static final String CHILD_START = "taskfork.child.start";
    public static final String TASK_DURATION = "taskfork.task.duration";
    public static final String QUEUE_WAIT = "taskfork.task.queue.wait";
    public static final String TASK_CPU = "taskfork.task.cpu";
    public static final String TASK_PEAK_MEMORY = "taskfork.task.peak.memory";
    public static final String BROKER_CONNECTED = "taskfork.broker.connected";
    public static final String DATABASE_CONNECTED = "taskfork.database.connected";

    private static final Duration LONGEST_START = Duration.ofSeconds(30);
    private static final Duration LONGEST_TASK = Duration.ofHours(2);
    // the kernel counts CPU in ticks of 10 ms
    private static final Duration SHORTEST_CPU = Duration.ofMillis(10);
    private static final Duration LONGEST_WAIT = Duration.ofDays(1);

    private final MeterRegistry registry;
    private final Timer childStart;
    // Each task's meters, kept once made: building and registering a meter again for every task
    // costs the supervisor more than recording in it (its tags, its histogram's settings, the lookup).
    private final Map<Outcome, Counter> finished = new ConcurrentHashMap<>();
    private final Map<Outcome, Counter> retried = new ConcurrentHashMap<>();
    private final Map<DeadLetterReason, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Map<String, Timer> cpu = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> peakMemory = new ConcurrentHashMap<>();
    private final Map<String, Timer> waits = new ConcurrentHashMap<>();

    private record Outcome(String type, TaskStatus status, FailureKind kind) {
    }

    public SupervisorMetrics(MeterRegistry registry, IntSupplier childrenRunning, IntSupplier childrenStandby) {
        this.registry = registry;
        Gauge.builder(CHILDREN_RUNNING, childrenRunning::getAsInt)
                .description("Child JVMs running a task now")
                .register(registry);
        Gauge.builder(CHILDREN_STANDBY, childrenStandby::getAsInt)
                .description("Child JVMs started ahead and waiting for a task")
                .register(registry);
        this.childStart = Timer.builder(CHILD_START)
                .description("From handing a task to a child JVM until its handler starts:"
                        + " a JVM start, unless a standby child took the task")
                .publishPercentileHistogram()
                .maximumExpectedValue(LONGEST_START)
                .register(registry);
    }

    /** A task reached a terminal status; {@code kind} is null when it succeeded. */
    public void finished(String type, TaskStatus status, FailureKind kind) {
        finished.computeIfAbsent(new Outcome(type, status, kind), outcome -> Counter.builder(TASKS_FINISHED)
                .description("Tasks that reached a terminal status, by type, outcome and failure kind")
                .tag("type", type)
                .tag("outcome", status.value())
                .tag("failure_kind", kind == null ? "none" : kind.value())
                .register(registry))
                .increment();
    }

    /** A failed attempt that will run again. */
    public void retried(String type, FailureKind kind) {
        retried.computeIfAbsent(new Outcome(type, TaskStatus.RETRYING, kind), again -> Counter.builder(TASKS_RETRIED)
                .description("Failed attempts scheduled to run again, by type and failure kind")
                .tag("type", type)
                .tag("failure_kind", kind == null ? "none" : kind.value())
                .register(registry))
                .increment();
    }

    public void deadLettered(DeadLetterReason reason) {
        deadLettered.computeIfAbsent(reason, why -> Counter.builder(DEAD_LETTERED)
                .description("Messages the supervisor dead-lettered, by reason")
                .tag("reason", why.value())
                .register(registry))
                .increment();
    }

    /** A task's child ended: {@code startNanos} is -1 when its handler never started. */
    public void ran(String type, long runNanos, long startNanos) {
        durations.computeIfAbsent(type, name -> Timer.builder(TASK_DURATION)
                .description("How long a task's child ran, from handing it the task to its exit")
                .tag("type", name)
                .publishPercentileHistogram()
                .maximumExpectedValue(LONGEST_TASK)
                .register(registry))
                .record(runNanos, TimeUnit.NANOSECONDS);
        if (startNanos >= 0) {
            childStart.record(startNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** What an attempt cost, where it is known (see {@link Usage}). */
    public void used(String type, Usage usage) {
        if (usage.cpuSeconds() != null) {
            // A timer, though it is CPU time: a summary's histogram counts each figure as a whole
            // number, and every task of less than a CPU second, most of them, as 1.
            cpu.computeIfAbsent(type, name -> Timer.builder(TASK_CPU)
                    .description("CPU seconds (user and system) an attempt's child and what it ran used")
                    .tag("type", name)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(SHORTEST_CPU)
                    .maximumExpectedValue(LONGEST_TASK.multipliedBy(2))
                    .register(registry))
                    .record(Math.round(usage.cpuSeconds() * 1e9), TimeUnit.NANOSECONDS);
        }
        if (usage.peakMemoryBytes() != null) {
            peakMemory.computeIfAbsent(type, name -> DistributionSummary.builder(TASK_PEAK_MEMORY)
                    .description("Peak resident memory of an attempt's child JVM")
                    .baseUnit("bytes")
                    .tag("type", name)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(1024.0 * 1024)
                    .maximumExpectedValue(64.0 * 1024 * 1024 * 1024)
                    .register(registry))
                    .record(usage.peakMemoryBytes());
        }
    }

    /** A task started for the first time, {@code wait} after it was enqueued. */
    public void waited(String type, Duration wait) {
        waits.computeIfAbsent(type, name -> Timer.builder(QUEUE_WAIT)
                .description("From enqueueing a task (its row's creation) to its first start")
                .tag("type", name)
                .publishPercentileHistogram()
                .maximumExpectedValue(LONGEST_WAIT)
                .register(registry))
                .record(wait.isNegative() ? Duration.ZERO : wait);
    }

    /** 1 while the supervisor is connected to the broker, and to the database, else 0. */
    public void connections(BooleanSupplier broker, BooleanSupplier database) {
        Gauge.builder(BROKER_CONNECTED, () -> broker.getAsBoolean() ? 1 : 0)
                .description("1 while the supervisor's broker connection is open, else 0")
                .register(registry);
        Gauge.builder(DATABASE_CONNECTED, () -> database.getAsBoolean() ? 1 : 0)
                .description("1 while the database answered the supervisor's last look (every second), else 0")
                .register(registry);
    }
}
