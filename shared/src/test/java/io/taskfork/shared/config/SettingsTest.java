package io.taskfork.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

    private static final Map<Setting, String> NO_FLAGS = Map.of();

    @Test
    void emptyEnvironmentGivesTheDocumentedDefaults() {
        Settings settings = Settings.load(Map.of(), NO_FLAGS);

        assertThat(settings.amqp().uri()).isEqualTo("amqp://guest:guest@localhost:5672/%2F");
        assertThat(settings.db().jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/postgres");
        assertThat(settings.db().user()).isEqualTo("postgres");
        assertThat(settings.db().password()).isEmpty();
        assertThat(settings.db().schema()).isEqualTo("taskfork");
        assertThat(settings.amqp().queue()).isEqualTo("taskfork.tasks");
        assertThat(settings.amqp().prefetch()).isEqualTo(4);
        assertThat(settings.child().timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.child().heap()).isEqualTo("256m");
        assertThat(settings.metricsPort()).isEqualTo(9464);
    }

    @Test
    void aVariableNamedLikeASettingThatNoSettingHasIsFound() {
        Map<String, String> environment = Map.of("TASKFORK_PREFECH", "8", "TASKFORK_PREFETCH", "8",
                "TASKFORK_JDBC_PASSWORD", "secret", "TASKFORK_AAA", "", "PATH", "/bin", "TASKFORKX", "1",
                // a host port of ops/compose.yaml, which README's "Everything in containers" names
                "TASKFORK_POSTGRES_PORT", "5433");

        assertThat(Setting.unknownIn(environment)).containsExactly("TASKFORK_AAA", "TASKFORK_PREFECH");
    }

    @Test
    void theDefaultWorkFolderIsOneOfTheSchemasOwn() {
        Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
        assertThat(Settings.load(Map.of(), NO_FLAGS).child().work().root())
                .isEqualTo(temporary.resolve("taskfork-work").resolve("taskfork"));
        assertThat(Settings.load(Map.of("TASKFORK_DB_SCHEMA", "bench_1"), NO_FLAGS).child().work().root())
                .isEqualTo(temporary.resolve("taskfork-work").resolve("bench_1"));
        assertThat(Settings.load(Map.of("TASKFORK_DB_SCHEMA", "bench_1", "TASKFORK_WORK_DIR", "/srv/work"), NO_FLAGS)
                .child().work().root()).as("one that is set is taken as it is").isEqualTo(Path.of("/srv/work"));
    }

    @Test
    void execSandboxIsOffWithNetworkUnlessAskedFor() {
        assertThat(Settings.load(Map.of(), NO_FLAGS).child().work().execSandbox())
                .isEqualTo(new ExecSandbox(false, true));
        assertThat(Settings.load(Map.of("TASKFORK_EXEC_SANDBOX", "bwrap", "TASKFORK_EXEC_NETWORK", "false"), NO_FLAGS)
                .child().work().execSandbox()).isEqualTo(new ExecSandbox(true, false));
    }

    @Test
    void childJitIsAutoUnlessTieredOrC1IsAskedFor() {
        assertThat(Settings.load(Map.of(), NO_FLAGS).child().startup().jit()).isEqualTo(ChildJit.AUTO);
        assertThat(Settings.load(Map.of("TASKFORK_CHILD_JIT", " Tiered "), NO_FLAGS).child().startup().jit())
                .isEqualTo(ChildJit.TIERED);
        assertThat(Settings.load(Map.of("TASKFORK_CHILD_JIT", "c1"), NO_FLAGS).child().startup().jit())
                .isEqualTo(ChildJit.C1);
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_CHILD_JIT", "c2"), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid TASKFORK_CHILD_JIT \"c2\": expected auto, tiered or c1");
    }

    @Test
    void taskProcessesTakesANumberFrom64OrOff() {
        assertThat(Settings.load(Map.of(), NO_FLAGS).child().startup().processes()).isEqualTo(1024);
        assertThat(Settings.load(Map.of("TASKFORK_TASK_PROCESSES", "64"), NO_FLAGS).child().startup().processes())
                .isEqualTo(64);
        assertThat(Settings.load(Map.of("TASKFORK_TASK_PROCESSES", " Off "), NO_FLAGS).child().startup().processes())
                .isZero();
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_TASK_PROCESSES", "63"), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid TASKFORK_TASK_PROCESSES \"63\": expected a whole number from 64 to 4194304,"
                        + " or off");
    }

    @Test
    void containmentIsAutoUnlessSessionIsAskedFor() {
        assertThat(Settings.load(Map.of(), NO_FLAGS).child().startup().containment())
                .isEqualTo(ChildContainment.AUTO);
        assertThat(Settings.load(Map.of("TASKFORK_CONTAINMENT", " Session "), NO_FLAGS).child().startup().containment())
                .isEqualTo(ChildContainment.SESSION);
        assertThat(Settings.load(Map.of("TASKFORK_CONTAINMENT", "session"), Map.of(Setting.CONTAINMENT, "auto"))
                .child().startup().containment()).isEqualTo(ChildContainment.AUTO);
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_CONTAINMENT", "namespace"), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid TASKFORK_CONTAINMENT \"namespace\": expected auto or session");
    }

    @Test
    void emptyEnvironmentRunsChildrenWithTheRunningJavaAndNoHandlerPath() {
        Settings settings = Settings.load(Map.of(), NO_FLAGS);

        assertThat(settings.child().java())
                .isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java"));
        assertThat(settings.child().handlerPath()).isEmpty();
    }

    @Test
    void emptyEnvironmentKeeps256kOfLogAndAcceptsMessagesUpTo1m() {
        Settings settings = Settings.load(Map.of(), NO_FLAGS);

        assertThat(settings.child().logLimit()).isEqualTo(256 * 1024);
        assertThat(settings.maxMessageBytes()).isEqualTo(1024 * 1024);
    }

    @Test
    void handlerPathListsEachExistingEntryAsAnAbsolutePath(@TempDir Path folder) throws IOException {
        Path jar = folder.resolve("handlers.jar");
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Path classes = Files.createDirectory(folder.resolve("classes"));

        Settings settings = Settings.load(
                Map.of("TASKFORK_HANDLER_PATH", jar + File.pathSeparator + classes), NO_FLAGS);

        assertThat(settings.child().handlerPath()).containsExactly(jar.toAbsolutePath(), classes.toAbsolutePath());
    }

    @Test
    void httpApiListensOnLoopbackPort8080WithoutTokensByDefault() {
        HttpSettings http = Settings.load(Map.of(), NO_FLAGS).http();

        assertThat(http.bind()).isEqualTo("127.0.0.1");
        assertThat(http.port()).isEqualTo(8080);
        assertThat(http.asksForToken()).isFalse();
        assertThat(http.readonlyToken()).isEmpty();
    }

    @Test
    void httpTokensAreRefusedWithoutShowingThemWhenShortOrReadOnlyAlone() {
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_HTTP_TOKEN", "short-secret"), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TASKFORK_HTTP_TOKEN").hasMessageContaining("at least 16")
                .hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_HTTP_READONLY_TOKEN", "read-only-secret-0123"),
                NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("needs TASKFORK_HTTP_TOKEN").hasMessageNotContaining("read-only-secret");
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_HTTP_TOKEN", "the-same-secret-0123",
                "TASKFORK_HTTP_READONLY_TOKEN", "the-same-secret-0123"), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must differ").hasMessageNotContaining("the-same-secret");
        Settings settings = Settings.load(Map.of("TASKFORK_HTTP_TOKEN", "full-secret-0123456789",
                "TASKFORK_HTTP_READONLY_TOKEN", "read-secret-0123456789"), NO_FLAGS);
        assertThat(settings.toString()).doesNotContain("full-secret").doesNotContain("read-secret");
    }

    @Test
    void variableOverridesTheDefault() {
        Settings settings = Settings.load(Map.of("TASKFORK_PREFETCH", "8", "TASKFORK_QUEUE", "jobs"), NO_FLAGS);

        assertThat(settings.amqp().prefetch()).isEqualTo(8);
        assertThat(settings.amqp().queue()).isEqualTo("jobs");
    }

    @Test
    void flagOverridesTheVariable() {
        Settings settings = Settings.load(
                Map.of("TASKFORK_PREFETCH", "8", "TASKFORK_TASK_TIMEOUT", "1h"),
                Map.of(Setting.PREFETCH, "2", Setting.TASK_TIMEOUT, "30s"));

        assertThat(settings.amqp().prefetch()).isEqualTo(2);
        assertThat(settings.child().timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aYesOrNoSettingSaysEveryWordItTakes() {
        assertThat(Settings.load(Map.of("TASKFORK_STANDBY", "no"), NO_FLAGS).child().startup().standby()).isFalse();
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_STANDBY", "maybe"), NO_FLAGS))
                .hasMessage("invalid TASKFORK_STANDBY \"maybe\": expected true or false (or yes, no, 1, 0)");
    }

    @ParameterizedTest(name = "{0}=\"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "TASKFORK_PREFETCH       | 0",
        "TASKFORK_PREFETCH       | abc",
        "TASKFORK_PREFETCH       | 300",
        "TASKFORK_TASK_TIMEOUT   | soon",
        "TASKFORK_TASK_TIMEOUT   | 0s",
        "TASKFORK_CHILD_HEAP     | 4m",
        "TASKFORK_CHILD_HEAP     | lots",
        "TASKFORK_METRICS_PORT   | 70000",
        "TASKFORK_QUEUE          | bad name!",
        "TASKFORK_QUEUE          | amq.tasks",
        "TASKFORK_QUEUE          | taskfork.tasks.dead",
        "TASKFORK_QUEUE          | taskfork.tasks.retry",
        "TASKFORK_DB_SCHEMA      | Bad-Schema",
        "TASKFORK_AMQP_URI       | http://x",
        "TASKFORK_JDBC_URL       | jdbc:mysql://x",
        "TASKFORK_HANDLER_PATH   | /no/such/dir",
        "TASKFORK_EXEC_SANDBOX   | firejail",
        "TASKFORK_EXEC_SANDBOX   | on",
        "TASKFORK_EXEC_NETWORK   | maybe",
        "TASKFORK_EXEC_ENV_PASS  | PATH,A=B",
        "TASKFORK_EXEC_ENV_PASS  | HOME LANG",
        "TASKFORK_EXEC_ROOTS     | /tmp:/no/such/root",
        "TASKFORK_TASK_TIMEOUT   | 99999999h",
        "TASKFORK_SHUTDOWN_GRACE | 2600000h",
        "TASKFORK_CONTAINMENT    | none",
        "TASKFORK_CONTAINMENT    | pid",
        "TASKFORK_CHILD_JIT      | c2",
        "TASKFORK_HTTP_PORT      | 70000",
        "TASKFORK_HTTP_BIND      | not an address",
    })
    void badVariableIsRefusedWithOneLineNamingTheVariable(String variable, String value) {
        assertThatThrownBy(() -> Settings.load(Map.of(variable, value), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(variable)
                .hasMessageContaining(value)
                .hasMessageNotContaining("\n")
                .satisfies(e -> assertThat(((ConfigException) e).setting().variable()).isEqualTo(variable));
    }

    @Test
    void taskMemoryIsAHostShareUnlessASizeOrOffIsGiven() {
        TaskMemory auto = Settings.load(Map.of(), NO_FLAGS).child().memory();
        assertThat(auto.capBytes(10L << 30, 4)).as("10 GiB over 4 + 1 shares").isEqualTo(2L << 30);
        assertThat(auto.capBytes(128L << 20, 4)).as("never below what a child JVM needs").isEqualTo(64L << 20);
        assertThat(Settings.load(Map.of("TASKFORK_TASK_MEMORY", "300m"), NO_FLAGS).child().memory()
                .capBytes(10L << 30, 4)).isEqualTo(300L << 20);
        assertThat(Settings.load(Map.of("TASKFORK_TASK_MEMORY", "off"), NO_FLAGS).child().memory()
                .capBytes(10L << 30, 4)).isZero();
    }

    @Test
    void taskMemoryTooSmallOrNotASizeSaysWhatItTakes() {
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_TASK_MEMORY", "10m"), NO_FLAGS))
                .isInstanceOf(ConfigException.class).hasMessageContaining("TASKFORK_TASK_MEMORY")
                .hasMessageContaining("at least 64m");
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_TASK_MEMORY", "lots"), NO_FLAGS))
                .isInstanceOf(ConfigException.class).hasMessageContaining("a size such as 300m or 2g, auto or off");
    }

    @Test
    void typeLimitsAreTypeColonNumberPairs() {
        assertThat(Settings.load(Map.of(), NO_FLAGS).service().typeLimits().isEmpty()).isTrue();
        TypeLimits limits = Settings.load(Map.of("TASKFORK_TYPE_LIMITS", "exec:2, report:1"), NO_FLAGS)
                .service().typeLimits();
        assertThat(limits.of("exec")).isEqualTo(2);
        assertThat(limits.of("report")).isEqualTo(1);
        assertThat(limits.of("echo")).isNull();
        assertThat(limits).as("as the supervisor's start line names them").hasToString("exec:2,report:1");
        assertThat(Settings.load(Map.of("TASKFORK_TYPE_LIMITS", "Sleep:1,exec:2,zip:1"), NO_FLAGS).service()
                .typeLimits().outside(List.of("echo", "exec", "sleep"))).as("the types no handler here has, by name")
                .containsExactly("Sleep", "zip");
        for (String bad : List.of("exec", "exec:0", "exec:two", "two words:1", "exec:1,exec:2", "exec:2,", ",",
                ",exec:2", "exec:2,,report:1")) {
            assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_TYPE_LIMITS", bad), NO_FLAGS))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("TASKFORK_TYPE_LIMITS");
        }
    }

    @Test
    void prefetchOutOfRangeSaysTheRange() {
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_PREFETCH", "300"), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid TASKFORK_PREFETCH \"300\": expected a whole number from 1 to 256");
    }

    @Test
    void badFlagIsRefusedNamingTheFlagAndTheVariable() {
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_PREFETCH", "4"), Map.of(Setting.PREFETCH, "abc")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--prefetch")
                .hasMessageContaining("TASKFORK_PREFETCH")
                .hasMessageContaining("\"abc\"")
                .hasMessageNotContaining("\n");
    }

    @Test
    void goodVariableIsNotBlamedForABadFlag() {
        assertThatThrownBy(() -> Settings.load(
                        Map.of("TASKFORK_TASK_TIMEOUT", "5m"), Map.of(Setting.TASK_TIMEOUT, "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid --task-timeout (TASKFORK_TASK_TIMEOUT) \"soon\"")
                .hasMessageNotContaining("5m");
    }

    @Test
    void toStringNeverShowsThePasswords() {
        Settings settings = Settings.load(Map.of(
                "TASKFORK_JDBC_PASSWORD", "db-secret-123",
                "TASKFORK_AMQP_URI", "amqp://worker:amqp-secret-456@broker:5672/%2F"), NO_FLAGS);

        assertThat(settings.toString())
                .doesNotContain("db-secret-123")
                .doesNotContain("amqp-secret-456")
                .contains("worker:****@broker");
        assertThat(settings.db().password()).isEqualTo("db-secret-123");
        assertThat(settings.amqp().uri()).isEqualTo("amqp://worker:amqp-secret-456@broker:5672/%2F");
    }

    @Test
    void refusedAmqpUriNeverShowsItsPassword() {
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_AMQP_URI", "http://user:secret-789@x"), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TASKFORK_AMQP_URI")
                .hasMessageNotContaining("secret-789");
    }

    @Test
    void refusedValueWithALineBreakStillGivesOneLine() {
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_QUEUE", "a\nb"), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("a\\u000ab")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void heapTooLargeToCountIsRefusedNotWrapped() {
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_CHILD_HEAP", "17179869185g"), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TASKFORK_CHILD_HEAP");
    }

    @Test
    void corruptJarOnTheHandlerPathIsRefusedNamingTheVariable(@TempDir Path folder) throws IOException {
        Path jar = Files.writeString(folder.resolve("handlers.jar"), "this is not a zip");

        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_HANDLER_PATH", jar.toString()), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TASKFORK_HANDLER_PATH")
                .hasMessageContaining("not a readable jar");
    }
}
