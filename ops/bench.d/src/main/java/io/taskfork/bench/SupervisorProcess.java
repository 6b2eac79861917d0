package io.taskfork.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A supervisor started as a user starts one, {@code ops/taskfork consumer}, in a process of its
 * own. The launcher execs java, so the process started here is the supervisor's JVM.
 */
final class SupervisorProcess implements AutoCloseable {

    private static final long HEALTH_POLL_MS = 100;

    private final Process process;
    private final Path log;
    private final int metricsPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    // Should the bench be stopped, the supervisor is told to stop too, not left behind.
    private final Thread stopOnExit;

    private SupervisorProcess(Process process, Path log, int metricsPort) {
        this.process = process;
        this.log = log;
        this.metricsPort = metricsPort;
        this.stopOnExit = new Thread(process::destroy, "stop-supervisor");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * Runs {@code launcher consumer} with exactly {@code variables} as its environment, its
     * output going to {@code log}.
     */
    static SupervisorProcess start(Path launcher, Map<String, String> variables, Path log, int metricsPort)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of(launcher.toString(), "consumer"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(variables);
        return new SupervisorProcess(builder.start(), log, metricsPort);
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** Waits until /healthz answers 200. */
    void awaitHealthy(Deadline deadline) throws IOException, InterruptedException, PhaseFailedException {
        while (true) {
            Optional<String> problem = trouble();
            if (problem.isPresent()) {
                throw new PhaseFailedException(problem.get());
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/healthz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // still starting
            }
            if (deadline.passed()) {
                throw new PhaseFailedException("the supervisor was not healthy within " + deadline.seconds()
                        + " s; see " + log);
            }
            Thread.sleep(HEALTH_POLL_MS);
        }
    }

    /** Why the supervisor can no longer do its work, if it cannot: it exited. */
    Optional<String> trouble() {
        if (process.isAlive()) {
            return Optional.empty();
        }
        return Optional.of("the supervisor exited with code " + process.exitValue() + ": " + lastLine() + " (log: "
                + log + ")");
    }

    /**
     * Sends SIGTERM and waits for the supervisor to drain and exit.
     *
     * @return its exit code
     */
    int stop(Duration within) throws InterruptedException, PhaseFailedException {
        process.destroy();
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new PhaseFailedException("the supervisor did not exit within " + within.toSeconds()
                    + " s of SIGTERM; killed it (log: " + log + ")");
        }
        return process.exitValue();
    }

    /** Kills the supervisor and anything it left, if still there. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to
        }
        List<ProcessHandle> left = process.descendants().toList();
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        left.forEach(ProcessHandle::destroyForcibly);
    }

    private String lastLine() {
        try {
            return Files.readString(log).strip().lines().reduce((first, last) -> last).orElse("no output");
        } catch (IOException e) {
            return "its log cannot be read: " + e.getMessage();
        }
    }
}
