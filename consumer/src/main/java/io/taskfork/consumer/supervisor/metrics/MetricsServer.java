package io.taskfork.consumer.supervisor.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskfork.consumer.NamedThreads;
import io.taskfork.shared.config.ListenAddress;
import io.taskfork.shared.config.Setting;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics} (Prometheus text) and {@code /healthz} from the JDK's own HTTP server:
 * no web framework in the supervisor.
 */
public final class MetricsServer implements AutoCloseable {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * @param problems what is wrong with the supervisor now, or null when it is healthy
     */
    private MetricsServer(HttpServer server, PrometheusMeterRegistry registry, Supplier<String> problems) {
        this.server = server;
        this.executor = Executors.newSingleThreadExecutor(NamedThreads.of("metrics-http", true));
        server.createContext("/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape()));
        server.createContext("/healthz", exchange -> {
            String problem = problems.get();
            respond(exchange, problem == null ? 200 : 503, "text/plain; charset=utf-8",
                    problem == null ? "ok\n" : problem + "\n");
        });
        server.setExecutor(executor);
        server.start();
    }

    /**
     * Why {@code bind} (TASKFORK_METRICS_BIND) cannot be listened on, in one line; empty when it can
     * be, or is empty (every interface). Asked before the start, so that a mistyped address is a bad
     * setting, not a supervisor that starts and is never scraped.
     */
    public static Optional<String> problem(String bind) {
        return ListenAddress.problem(Setting.METRICS_BIND.variable(), bind);
    }

    /** @param bind the address to listen on, checked by {@link #problem}; empty for every interface */
    public static MetricsServer start(String bind, int port, PrometheusMeterRegistry registry,
            Supplier<String> problems) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(bind.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(bind, port),
                    0);
        } catch (BindException e) {
            throw new MetricsPortTakenException(port, e);
        }
        return new MetricsServer(server, registry, problems);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
