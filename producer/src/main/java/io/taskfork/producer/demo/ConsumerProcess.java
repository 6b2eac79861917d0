package io.taskfork.producer.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A supervisor started from the consumer jar as its own process, as a user would run it. */
final class ConsumerProcess implements AutoCloseable {

    private static final Duration START_WITHIN = Duration.ofSeconds(60);
    private static final Duration STOP_WITHIN = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final int metricsPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ConsumerProcess(Process process, Path log, int metricsPort) {
        this.process = process;
        this.log = log;
        this.metricsPort = metricsPort;
    }

    /** Starts {@code java -jar jar} with {@code variables} added, and waits until /healthz says ok. */
    static ConsumerProcess start(Path jar, Map<String, String> variables, Path log, int metricsPort)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(variables);
        ConsumerProcess consumer = new ConsumerProcess(builder.start(), log, metricsPort);
        consumer.awaitHealthy();
        return consumer;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** The supervisor's /metrics text. */
    String metrics() throws IOException, InterruptedException {
        return get("/metrics").body();
    }

    /** Sends SIGTERM and waits for the drain; returns the exit code. */
    int stop() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("the supervisor did not stop within " + STOP_WITHIN.toSeconds() + " s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_WITHIN);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("the supervisor exited with code " + process.exitValue() + ": "
                        + lastLine(Files.readString(log)));
            }
            try {
                if (get("/healthz").statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // it is still starting
            }
            Thread.sleep(200);
        }
        close();
        throw new IOException("the supervisor was not healthy within " + START_WITHIN.toSeconds() + " s; see " + log);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String lastLine(String text) {
        return text.strip().lines().reduce((first, last) -> last).orElse("no output");
    }
}
