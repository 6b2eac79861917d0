package io.taskfork.consumer.supervisor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.task.Usage;
import io.taskfork.shared.wire.DeadLetterReason;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The meters a task records in are kept per type and outcome: each task lands in its own series. */
class SupervisorMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SupervisorMetrics metrics = new SupervisorMetrics(registry, () -> 0, () -> 0);

    @Test
    void eachTypeAndOutcomeCountsInASeriesOfItsOwnHoweverOftenItRecurs() {
        metrics.finished("echo", TaskStatus.SUCCEEDED, null);
        metrics.finished("echo", TaskStatus.SUCCEEDED, null);
        metrics.finished("echo", TaskStatus.CRASHED, FailureKind.OOM);
        metrics.finished("echo", TaskStatus.CRASHED, FailureKind.TIMEOUT);
        metrics.finished("sleep", TaskStatus.SUCCEEDED, null);

        assertThat(finished("echo", "succeeded", "none")).isEqualTo(2);
        assertThat(finished("echo", "crashed", "oom")).isEqualTo(1);
        assertThat(finished("echo", "crashed", "timeout")).isEqualTo(1);
        assertThat(finished("sleep", "succeeded", "none")).isEqualTo(1);
    }

    @Test
    void retriesAndDeadLettersCountPerTypeKindAndReason() {
        metrics.retried("echo", FailureKind.EXCEPTION);
        metrics.retried("echo", FailureKind.EXCEPTION);
        metrics.retried("echo", FailureKind.TIMEOUT);
        metrics.deadLettered(DeadLetterReason.OOM);
        metrics.deadLettered(DeadLetterReason.OOM);
        metrics.deadLettered(DeadLetterReason.MALFORMED);

        assertThat(registry.get(SupervisorMetrics.TASKS_RETRIED).tags("type", "echo", "failure_kind", "exception")
                .counter().count()).isEqualTo(2);
        assertThat(registry.get(SupervisorMetrics.TASKS_RETRIED).tags("type", "echo", "failure_kind", "timeout")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(SupervisorMetrics.DEAD_LETTERED).tag("reason", "oom").counter().count()).isEqualTo(2);
        assertThat(registry.get(SupervisorMetrics.DEAD_LETTERED).tag("reason", "malformed").counter().count())
                .isEqualTo(1);
    }

    @Test
    void durationsWaitsAndCostsAreKeptPerType() {
        for (int i = 0; i < 3; i++) {
            metrics.ran("echo", 1_000_000, 500_000);
            metrics.waited("echo", Duration.ofMillis(5));
            metrics.used("echo", new Usage(0.25, 40L << 20));
        }
        metrics.ran("sleep", 2_000_000, -1);
        metrics.waited("sleep", Duration.ofMillis(-1));
        metrics.used("sleep", new Usage(null, 30L << 20));

        assertThat(registry.get(SupervisorMetrics.TASK_DURATION).tag("type", "echo").timer().count()).isEqualTo(3);
        assertThat(registry.get(SupervisorMetrics.TASK_DURATION).tag("type", "sleep").timer().count()).isEqualTo(1);
        assertThat(registry.get(SupervisorMetrics.CHILD_START).timer().count()).isEqualTo(3);
        assertThat(registry.get(SupervisorMetrics.QUEUE_WAIT).tag("type", "echo").timer().count()).isEqualTo(3);
        assertThat(registry.get(SupervisorMetrics.QUEUE_WAIT).tag("type", "sleep").timer().totalTime(
                java.util.concurrent.TimeUnit.NANOSECONDS)).as("a negative wait counts as none").isZero();
        assertThat(registry.get(SupervisorMetrics.TASK_CPU).tag("type", "echo").timer().totalTime(
                java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(750);
        assertThat(registry.find(SupervisorMetrics.TASK_CPU).tag("type", "sleep").timer())
                .as("no CPU figure, no series").isNull();
        assertThat(registry.get(SupervisorMetrics.TASK_PEAK_MEMORY).tag("type", "sleep").summary().count())
                .isEqualTo(1);
    }

    @Test
    void aTaskOfLessThanACpuSecondFallsInABucketUnderOneSecond() {
        PrometheusMeterRegistry scraped = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SupervisorMetrics recorded = new SupervisorMetrics(scraped, () -> 0, () -> 0);
        recorded.used("echo", new Usage(0.17, 40L << 20));
        recorded.used("echo", new Usage(0.6, 40L << 20));

        // each bucket counts the figures up to its bound: none under 0.17 s, one up to 0.6 s, both from there
        Matcher bucket = Pattern.compile("taskfork_task_cpu_seconds_bucket\\{type=\"echo\",le=\"([0-9.]+)\"} (\\d+)")
                .matcher(scraped.scrape());
        int under = 0;
        while (bucket.find()) {
            double bound = Double.parseDouble(bucket.group(1));
            long expected = bound < 0.17 ? 0 : bound < 0.6 ? 1 : 2;
            assertThat(Long.parseLong(bucket.group(2))).as("le=" + bucket.group(1)).isEqualTo(expected);
            under += bound < 0.17 ? 1 : 0;
        }
        assertThat(under).as("buckets under the shorter figure").isGreaterThan(5);
    }

    private double finished(String type, String outcome, String kind) {
        return registry.get(SupervisorMetrics.TASKS_FINISHED).tags("type", type, "outcome", outcome,
                "failure_kind", kind).counter().count();
    }
}
