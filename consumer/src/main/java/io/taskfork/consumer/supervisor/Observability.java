package io.taskfork.consumer.supervisor;

import com.rabbitmq.client.Connection;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskfork.consumer.supervisor.metrics.MetricsServer;
import io.taskfork.consumer.supervisor.metrics.QueueGauges;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.topology.QueueNames;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * What a supervisor shows of itself: its own meters in one registry, and, when a port is given,
 * the JVM's meters, the queue gauges, and {@code /metrics} with {@code /healthz} on that port.
 */
final class Observability implements AutoCloseable {

    private final PrometheusMeterRegistry registry = lintedRegistry();
    private JvmGcMetrics gcMetrics;
    private QueueGauges queueGauges;
    private MetricsServer server;

    /**
     * Prometheus's own lint ({@code promtool check metrics}) refuses two of Micrometer's names: a unit
     * abbreviated in {@code process_cpu_time_ns_total}, which {@code process_cpu_usage} says in other terms,
     * and a {@code _count} suffix on a gauge in {@code system_cpu_count}, kept as {@code system_cpus}.
     */
    private static PrometheusMeterRegistry lintedRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
                    }
                });
        return registry;
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Serves the meters and {@code problems} (null when healthy) on {@code bind}:{@code port}, from now:
     * the supervisor's own meters and the queue gauges join them as it starts.
     */
    void listen(String bind, int port, Supplier<String> problems) throws IOException {
        server = MetricsServer.start(bind, port, registry, problems);
        bindJvmMetrics();
    }

    /** Adds the queue gauges to what {@code /metrics} serves; nothing when it is not served. */
    void watchQueues(Connection connection, QueueNames queues, TaskStore store) {
        if (server != null) {
            queueGauges = new QueueGauges(registry, connection, queues, store);
        }
    }

    /** The port /metrics is served on, or 0 when it is not. */
    int port() {
        return server == null ? 0 : server.port();
    }

    /** The supervisor JVM's own memory, collections, threads, classes, CPU, open files and uptime. */
    private void bindJvmMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (queueGauges != null) {
            queueGauges.close();
        }
        if (gcMetrics != null) {
            gcMetrics.close();
        }
    }
}
