package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command line's own log lines, as JSON when asked. They are warnings only; one comes
 * from Flyway when the schema was migrated by a newer taskfork than this one, as happens while
 * versions are rolled out, which these tests set up.
 */
class JsonLogsIT {

    private static final Path JAR = Path.of("target", "taskfork-producer.jar");
    private static final String NEWER_SCHEMA = "newer than the latest available migration";

    private static IsolatedEnvironment env;

    @TempDir
    Path folder;

    @BeforeAll
    static void schemaOfANewerVersion() {
        env = IsolatedEnvironment.create(JsonLogsIT.class);
        env.database().jdbi().useHandle(handle -> handle.execute("insert into flyway_schema_history (installed_rank,"
                + " version, description, type, script, checksum, installed_by, execution_time, success)"
                + " select max(installed_rank) + 1, '999', 'from a newer taskfork', 'SQL', 'V999__newer.sql', 0,"
                + " current_user, 0, true from flyway_schema_history"));
    }

    @AfterAll
    static void closeEnvironment() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void withTheVariableEveryLogLineIsAJsonObjectWithTheContractFields() throws Exception {
        Result result = run(Map.of("TASKFORK_LOG_FORMAT", "json"), "status");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("scheduled");
        assertThat(result.errLines()).isNotEmpty();
        List<JsonNode> lines = result.errLines().stream().map(Json::parse).toList();
        JsonNode warning = lines.stream().filter(line -> line.get("message").asText().contains(NEWER_SCHEMA))
                .findFirst().orElseThrow();
        assertThat(warning.get("level").asText()).isEqualTo("WARN");
        assertThat(warning.get("logger").asText()).startsWith("org.flywaydb.");
        assertThat(warning.get("thread").asText()).isEqualTo("main");
        assertThat(warning.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(warning.has("task_id")).isFalse();
    }

    @Test
    void theFlagChoosesJsonOverTheVariable() throws Exception {
        Result result = run(Map.of("TASKFORK_LOG_FORMAT", "text"), "status", "--log-format", "json");

        assertThat(result.exitCode()).isZero();
        // the schema is newer than this taskfork's migrations, so Flyway warns at least once
        assertThat(result.errLines()).isNotEmpty()
                .allSatisfy(line -> assertThat(Json.parse(line).get("level")).isNotNull())
                .anySatisfy(line -> assertThat(Json.parse(line).get("message").asText()).contains(NEWER_SCHEMA));
    }

    @Test
    void textIsTheDefault() throws Exception {
        Result result = run(Map.of(), "status");

        assertThat(result.exitCode()).isZero();
        assertThat(result.errLines()).anyMatch(line -> line.startsWith("taskfork: WARN DbMigrate: ")
                && line.contains(NEWER_SCHEMA));
    }

    @Test
    void anyOtherFormatIsRefusedAtStartWithOneLineNamingTheVariable() throws Exception {
        Result result = run(Map.of("TASKFORK_LOG_FORMAT", "yaml"), "status");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.errLines()).containsExactly("taskfork: invalid TASKFORK_LOG_FORMAT \"yaml\": expected text or json");
    }

    private record Result(int exitCode, String out, List<String> errLines) {
    }

    private Result run(Map<String, String> variables, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = folder.resolve("out");
        Path err = folder.resolve("err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> environment = new HashMap<>(env.environment());
        environment.putAll(variables);
        builder.environment().keySet().removeIf(name -> name.startsWith("TASKFORK_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the command ends").isTrue();
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8).lines().toList());
    }
}
