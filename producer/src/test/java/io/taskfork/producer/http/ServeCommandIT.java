package io.taskfork.producer.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.testing.IsolatedEnvironment;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} as an operator runs it: the built jar, in a process of its own, stopped by SIGTERM. */
class ServeCommandIT {

    private static final Path JAR = Path.of("target", "taskfork-producer.jar");
    private static final String TOKEN = "token-of-the-serve-command-it";
    private static final Pattern LISTENING = Pattern.compile(
            "serving the HTTP API on http://127\\.0\\.0\\.1:(\\d+) \\(bearer token required\\)");

    private static IsolatedEnvironment env;

    @BeforeAll
    static void openEnvironment() throws Exception {
        env = IsolatedEnvironment.create(ServeCommandIT.class);
    }

    @AfterAll
    static void closeEnvironment() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    /** What a client sends, well formed or not, is answered, not written to serve's log. */
    @Test
    void serveAnswersUntilSigtermThenExitsZero(@TempDir Path folder) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "serve"));
        Path err = folder.resolve("serve.err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("TASKFORK_"));
        builder.environment().putAll(env.environment());
        builder.environment().put("TASKFORK_HTTP_PORT", "0");
        builder.environment().put("TASKFORK_HTTP_TOKEN", TOKEN);
        Process serve = builder.start();
        try {
            String line = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            Matcher listening = LISTENING.matcher(String.valueOf(line));
            assertThat(listening.matches()).as(line).isTrue();
            HttpCalls http = new HttpCalls(Integer.parseInt(listening.group(1)));

            assertThat(http.get("/healthz", null).body()).isEqualTo("ok");
            assertThat(http.post("/api/tasks", "{\"type\": \"echo\"}", TOKEN).status()).isEqualTo(201);
            assertThat(http.get("/api/tasks?type=" + "x".repeat(10_000), TOKEN).status()).isEqualTo(414);

            serve.destroy();
            assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("serve ends on SIGTERM").isTrue();
            assertThat(serve.exitValue()).isZero();
            assertThat(Files.readString(err)).isEmpty();
        } finally {
            serve.destroyForcibly();
        }
    }

    @Test
    void aPortThatIsTakenStopsServeWithOneLineThatNamesTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-jar", JAR.toString(), "serve");
            builder.environment().keySet().removeIf(name -> name.startsWith("TASKFORK_"));
            builder.environment().putAll(env.environment());
            builder.environment().put("TASKFORK_HTTP_PORT", Integer.toString(taken.getLocalPort()));
            Process serve = builder.start();
            String err = new String(serve.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(serve.exitValue()).isEqualTo(1);
            assertThat(err).isEqualTo("taskfork: cannot serve on 127.0.0.1:" + taken.getLocalPort() + ": the port is"
                    + " taken by another process; give this one a port of its own with --http-port or"
                    + " TASKFORK_HTTP_PORT\n");
        }
    }
}
