package io.taskfork.consumer.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.config.Setting;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files under ops/ that run taskfork elsewhere: the Grafana dashboard and its provisioning, the
 * Prometheus configuration and alerting rules, the compose file with its Dockerfile, and the systemd
 * unit. No Docker, Grafana or Prometheus here: each file is parsed, checked for the structure its
 * tool needs and against the others it names, and every metric an expression uses is checked
 * against what a real supervisor exports after running a few tasks.
 */
class OpsFilesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path ROOT = repositoryRoot();
    private static final Path OPS = ROOT.resolve("ops");
    private static final Duration DEFAULT_GRACE = Values.parseDuration(Setting.SHUTDOWN_GRACE.defaultValue());
    private static final String DATASOURCE_VARIABLE = "${DS_PROMETHEUS}";
    private static final Set<String> ADDED_BY_PROMETHEUS = Set.of("instance", "job");
    /** An exact version: at least major.minor, then anything (3.13.7-management, v3.1.0, 17.0.13_11-jre). */
    private static final Pattern PINNED = Pattern.compile("[a-z0-9./_-]+:v?\\d+\\.\\d+([._-][A-Za-z0-9._-]+)?");

    /** Every taskfork family, as README's metrics table lists them: the dashboard shows each one. */
    private static final List<String> FAMILIES = List.of(
            "taskfork_tasks_finished_total", "taskfork_tasks_retried_total", "taskfork_messages_dead_lettered_total",
            "taskfork_children_running", "taskfork_children_standby", "taskfork_child_start_seconds",
            "taskfork_task_duration_seconds", "taskfork_task_queue_wait_seconds", "taskfork_task_cpu_seconds",
            "taskfork_task_peak_memory_bytes", "taskfork_queue_messages",
            "taskfork_queue_consumers", "taskfork_queue_oldest_waiting_seconds", "taskfork_broker_connected",
            "taskfork_database_connected");

    private static final List<String> PANELS = List.of(
            "Throughput by outcome", "Crashes by kind", "Task duration", "Child start", "Queue wait",
            "Retries by failure kind", "Task CPU p95 by type", "Task peak memory p95 by type",
            "Children running and standby", "Queue depth: main and retry",
            "Dead-letter queue depth", "Dead letters by reason", "Oldest waiting task",
            "Broker and database connected", "Supervisor memory", "Supervisor CPU");

    private static final List<String> ALERTS = List.of(
            "TaskforkDeadLetterQueueGrowing", "TaskforkCrashRateHigh", "TaskforkNoConsumers",
            "TaskforkSupervisorDown", "TaskforkSupervisorAbsent", "TaskforkOldestTaskWaiting",
            "TaskforkBrokerDisconnected", "TaskforkDatabaseDisconnected");

    private static final List<String> SERVICES = List.of("rabbitmq", "postgres", "consumer", "prometheus", "grafana");

    private static SupervisorFixture fixture;
    private static int port;
    private static Scrape scrape;

    /** One expression with where it comes from, and the labels its legend or annotations show. */
    private record Expression(String where, String expr, Set<String> shown) {
    }

    @BeforeAll
    static void runTasksOnARealSupervisor() throws Exception {
        port = freePort();
        fixture = SupervisorFixture.start(OpsFilesIT.class, Map.of(
                "TASKFORK_METRICS_PORT", String.valueOf(port),
                "TASKFORK_MAX_ATTEMPTS", "2",
                "TASKFORK_RETRY_DELAY", "100ms"));
        // one of each: a success, a crash (dead-lettered), and a failure retried once, then dead-lettered
        long echo = fixture.submit("echo", "{}");
        long crash = fixture.submit("crash", "{\"mode\":\"exit\",\"code\":2}");
        long fail = fixture.submit("fail", "{\"message\":\"on purpose\"}");
        assertThat(fixture.awaitTerminal(echo).status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(fixture.awaitTerminal(crash).status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(fixture.awaitTerminal(fail).status()).isEqualTo(TaskStatus.FAILED);
        // a row is terminal a moment before its message is acked and counted
        fixture.awaitEveryMessageAcked();
        scrape = Scrape.parse(get(port, "/metrics").body());
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    // ---- Grafana

    @Test
    void theDashboardHasThePanelsAndEveryPanelQueriesTheTemplatedDataSource() throws IOException {
        JsonNode dashboard = dashboard();

        assertThat(dashboard.path("schemaVersion").asInt()).isBetween(36, 41);
        assertThat(dashboard.path("uid").asText()).isEqualTo("taskfork");
        JsonNode variables = dashboard.path("templating").path("list");
        JsonNode datasource = variable(variables, "DS_PROMETHEUS");
        assertThat(datasource.path("type").asText()).isEqualTo("datasource");
        assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
        assertThat(datasource.path("current").path("value").asText()).isEqualTo(provisionedDatasourceUid());
        JsonNode instance = variable(variables, "instance");
        assertThat(instance.path("type").asText()).isEqualTo("query");
        assertThat(instance.path("datasource").path("uid").asText()).isEqualTo(DATASOURCE_VARIABLE);
        assertThat(instance.path("includeAll").asBoolean()).isTrue();
        assertThat(instance.path("multi").asBoolean()).isTrue();

        List<JsonNode> panels = panels(dashboard);
        assertThat(panels.stream().map(panel -> panel.path("title").asText())).containsAll(PANELS);
        Set<Integer> ids = new HashSet<>();
        List<int[]> cells = new ArrayList<>();
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(ids.add(panel.path("id").asInt())).as("unique id of " + title).isTrue();
            JsonNode grid = panel.path("gridPos");
            int x = grid.path("x").asInt();
            int y = grid.path("y").asInt();
            int w = grid.path("w").asInt();
            int h = grid.path("h").asInt();
            assertThat(w).as("width of " + title).isPositive();
            assertThat(h).as("height of " + title).isPositive();
            assertThat(x + w).as("right edge of " + title).isLessThanOrEqualTo(24);
            for (int[] other : cells) {
                boolean overlaps = x < other[0] + other[2] && other[0] < x + w && y < other[1] + other[3] && other[1] < y + h;
                assertThat(overlaps).as(title + " overlaps another panel").isFalse();
            }
            cells.add(new int[] {x, y, w, h});
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("type").asText()).as(title).isEqualTo("prometheus");
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE_VARIABLE);
            assertThat(panel.path("targets").size()).as("targets of " + title).isPositive();
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as("expr of a target of " + title).isNotBlank();
                assertThat(refIds.add(target.path("refId").asText())).as("unique refId in " + title).isTrue();
                if (target.has("datasource")) {
                    assertThat(target.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE_VARIABLE);
                }
            }
        }
    }

    @Test
    void everyDashboardQueryFollowsTheInstanceVariableAndEveryFamilyIsShown() throws IOException {
        List<Expression> panelExpressions = dashboardExpressions().stream()
                .filter(expression -> expression.where().startsWith("panel")).toList();

        List<String> problems = new ArrayList<>();
        for (Expression expression : panelExpressions) {
            for (PromQl.Selector selector : PromQl.selectors(expression.expr())) {
                boolean followsInstance = selector.matchers().stream().anyMatch(matcher -> matcher.label().equals("instance")
                        && matcher.operator().equals("=~") && matcher.value().equals("$instance"));
                if (!followsInstance) {
                    problems.add(expression.where() + ": " + selector.metric() + " without instance=~\"$instance\"");
                }
            }
            if (expression.expr().contains("histogram_quantile")
                    && !(expression.expr().contains("_bucket") && PromQl.byLabels(expression.expr()).contains("le"))) {
                problems.add(expression.where() + ": a quantile needs rate of _bucket series summed by le");
            }
        }
        String all = panelExpressions.stream().map(Expression::expr).collect(Collectors.joining("\n"));
        for (String family : FAMILIES) {
            if (!all.contains(family)) {
                problems.add("no panel shows " + family);
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void grafanaIsProvisionedWithTheDataSourceAndTheDashboardThatComposeMounts() throws IOException {
        JsonNode sources = yaml(OPS.resolve("grafana/provisioning/datasources/prometheus.yml"));
        assertThat(sources.path("apiVersion").asInt()).isEqualTo(1);
        JsonNode source = sources.path("datasources").get(0);
        assertThat(source.path("type").asText()).isEqualTo("prometheus");
        assertThat(source.path("uid").asText()).isEqualTo("prometheus");
        URI url = URI.create(source.path("url").asText());
        assertThat(services()).containsKey(url.getHost());
        assertThat(url.getPort()).isEqualTo(9090);

        JsonNode providers = yaml(OPS.resolve("grafana/provisioning/dashboards/taskfork.yml"));
        assertThat(providers.path("apiVersion").asInt()).isEqualTo(1);
        JsonNode provider = providers.path("providers").get(0);
        assertThat(provider.path("type").asText()).isEqualTo("file");
        String folder = provider.path("options").path("path").asText();

        JsonNode grafana = services().get("grafana");
        Map<String, String> mounts = bindMounts(grafana);
        assertThat(mounts).containsEntry("/etc/grafana/provisioning/datasources", "grafana/provisioning/datasources")
                .containsEntry("/etc/grafana/provisioning/dashboards", "grafana/provisioning/dashboards")
                .containsEntry(folder + "/taskfork.json", "grafana/taskfork.json");
        assertThat(environment(grafana)).containsEntry("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", folder + "/taskfork.json")
                .containsEntry("GF_AUTH_ANONYMOUS_ENABLED", "true")
                .containsEntry("GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer");
    }

    // ---- Prometheus

    @Test
    void everyAlertRuleIsComplete() throws IOException {
        JsonNode groups = yaml(OPS.resolve("prometheus/alerts.yml")).path("groups");
        assertThat(groups.size()).isPositive();

        List<String> names = new ArrayList<>();
        for (JsonNode group : groups) {
            assertThat(group.path("name").asText()).isNotBlank();
            assertThat(group.path("rules").size()).isPositive();
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asText();
                assertThat(name).as("alert name").matches("[A-Z][A-Za-z0-9]+");
                names.add(name);
                assertThat(rule.path("expr").asText()).as(name + " expr").isNotBlank();
                assertThat(Durations.parse(rule.path("for").asText())).as(name + " for").isNotNull();
                assertThat(rule.path("labels").path("severity").asText()).as(name + " severity")
                        .isIn("critical", "warning", "info");
                assertThat(rule.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank();
                assertThat(rule.path("annotations").path("description").asText()).as(name + " description").isNotBlank();
            }
        }
        assertThat(names).doesNotHaveDuplicates().containsAll(ALERTS);

        Set<String> jobs = scrapeJobs();
        for (Expression expression : alertExpressions()) {
            for (PromQl.Selector selector : PromQl.selectors(expression.expr())) {
                selector.matchers().stream().filter(matcher -> matcher.label().equals("job"))
                        .forEach(matcher -> assertThat(jobs).as(expression.where()).contains(matcher.value()));
            }
        }
    }

    @Test
    void prometheusScrapesTheComposeConsumerAndLoadsTheRulesThatComposeMounts() throws IOException {
        JsonNode config = yaml(OPS.resolve("prometheus/prometheus.yml"));
        assertThat(Durations.parse(config.path("global").path("scrape_interval").asText())).isPositive();
        JsonNode job = StreamSupport.stream(config.path("scrape_configs").spliterator(), false)
                .filter(candidate -> candidate.path("job_name").asText().equals("taskfork")).findFirst().orElseThrow();
        assertThat(job.path("metrics_path").asText("/metrics")).isEqualTo("/metrics");
        List<String> targets = new ArrayList<>();
        job.path("static_configs").forEach(group -> group.path("targets").forEach(target -> targets.add(target.asText())));
        JsonNode consumer = services().get("consumer");
        assertThat(targets).containsExactly("consumer:" + environment(consumer).get("TASKFORK_METRICS_PORT"));

        Map<String, String> mounts = bindMounts(services().get("prometheus"));
        assertThat(mounts).containsEntry("/etc/prometheus/prometheus.yml", "prometheus/prometheus.yml");
        assertThat(config.path("rule_files").size()).isPositive();
        for (JsonNode rules : config.path("rule_files")) {
            assertThat(OPS.resolve("prometheus").resolve(rules.asText())).isRegularFile();
            assertThat(mounts).containsEntry("/etc/prometheus/" + rules.asText(), "prometheus/" + rules.asText());
        }
    }

    // ---- against what a supervisor exports

    /**
     * Every metric an expression names is exported by the supervisor, with the labels it selects and
     * groups by and the values it matches; rate and increase get counters, delta gets gauges, and
     * every label a legend or an annotation shows is one the expression keeps.
     */
    @Test
    void everyExpressionUsesMetricsAndLabelsThatTheSupervisorExports() throws IOException {
        List<Expression> expressions = new ArrayList<>(dashboardExpressions());
        expressions.addAll(alertExpressions());

        List<String> problems = new ArrayList<>();
        for (Expression expression : expressions) {
            check(expression, problems);
        }
        assertThat(problems).as("exported samples: " + scrape.sampleNames()).isEmpty();
    }

    private static void check(Expression expression, List<String> problems) {
        String where = expression.where();
        String expr = expression.expr();
        List<PromQl.Selector> selectors = PromQl.selectors(expr);
        if (selectors.isEmpty()) {
            problems.add(where + ": names no taskfork, JVM or process metric: " + expr);
        }
        Set<String> available = new TreeSet<>(ADDED_BY_PROMETHEUS);
        for (PromQl.Selector selector : selectors) {
            String metric = selector.metric();
            if (metric.equals("up")) {
                selector.matchers().stream().filter(matcher -> !ADDED_BY_PROMETHEUS.contains(matcher.label()))
                        .forEach(matcher -> problems.add(where + ": up has no label " + matcher.label()));
                continue;
            }
            if (!scrape.has(metric)) {
                problems.add(where + ": " + metric + " is not exported");
                continue;
            }
            Set<String> labels = scrape.labels(metric);
            available.addAll(labels);
            for (PromQl.LabelMatcher matcher : selector.matchers()) {
                if (ADDED_BY_PROMETHEUS.contains(matcher.label())) {
                    continue;
                }
                if (!labels.contains(matcher.label())) {
                    problems.add(where + ": " + metric + " has no label " + matcher.label() + " (it has " + labels + ")");
                } else if ((matcher.operator().equals("=") || matcher.operator().equals("=~"))
                        && !matcher.value().contains("$")) {
                    List<String> wanted = matcher.operator().equals("=") ? List.of(matcher.value())
                            : Arrays.asList(matcher.value().split("\\|"));
                    for (String value : wanted) {
                        if (value.matches("[a-z0-9_.-]+") && !scrape.values(metric, matcher.label()).contains(value)
                                && !knownValues(matcher.label()).contains(value)) {
                            problems.add(where + ": " + metric + "{" + matcher.label() + "} never takes the value " + value);
                        }
                    }
                }
            }
        }
        for (String label : PromQl.groupingLabels(expr)) {
            if (!available.contains(label)) {
                problems.add(where + ": groups by " + label + ", which none of its metrics has");
            }
        }
        for (PromQl.Call call : PromQl.calls(expr)) {
            String type = scrape.type(call.metric());
            boolean ok = switch (call.function()) {
                case "rate", "irate", "increase" -> "counter".equals(type)
                        || (("histogram".equals(type) || "summary".equals(type))
                        && call.metric().matches(".*_(bucket|sum|count)"));
                default -> "gauge".equals(type);
            };
            if (!ok) {
                problems.add(where + ": " + call.function() + " of " + call.metric() + ", a " + type);
            }
        }
        Set<String> kept = !PromQl.byLabels(expr).isEmpty() ? PromQl.byLabels(expr)
                : PromQl.aggregates(expr) ? Set.of() : available;
        for (String label : expression.shown()) {
            if (!kept.contains(label)) {
                problems.add(where + ": shows label " + label + ", which the expression does not keep (" + kept + ")");
            }
        }
    }

    private static Set<String> knownValues(String label) {
        return switch (label) {
            case "outcome" -> Stream.of(TaskStatus.values()).filter(TaskStatus::isTerminal).map(TaskStatus::value)
                    .collect(Collectors.toSet());
            case "failure_kind" -> Stream.concat(Stream.of("none"), Stream.of(FailureKind.values()).map(FailureKind::value))
                    .collect(Collectors.toSet());
            case "reason" -> Stream.of(DeadLetterReason.values()).map(DeadLetterReason::value).collect(Collectors.toSet());
            default -> Set.of();
        };
    }

    // ---- compose and the image

    @Test
    void composeRunsTheFiveServicesFromPinnedImagesInOrder() throws IOException {
        JsonNode compose = yaml(OPS.resolve("compose.yaml"));
        Map<String, JsonNode> services = services();
        assertThat(services.keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);

        Set<String> declaredVolumes = new HashSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(declaredVolumes::add);
        for (Map.Entry<String, JsonNode> entry : services.entrySet()) {
            String name = entry.getKey();
            JsonNode service = entry.getValue();
            if (service.has("build")) {
                Path context = OPS.resolve(service.path("build").path("context").asText(".")).normalize();
                assertThat(context.resolve(service.path("build").path("dockerfile").asText("Dockerfile")))
                        .as(name + " Dockerfile").isRegularFile();
            } else {
                String image = service.path("image").asText();
                assertThat(image).as(name + " image").matches(PINNED).doesNotEndWith(":latest");
            }
            JsonNode test = service.path("healthcheck").path("test");
            assertThat(test.isArray() && test.size() > 1).as(name + " healthcheck").isTrue();
            service.path("depends_on").fieldNames().forEachRemaining(other -> assertThat(services).containsKey(other));
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(OPS.resolve(source).normalize()).as(name + " mounts " + source).exists();
                } else {
                    assertThat(declaredVolumes).as(name + " volume " + source).contains(source);
                }
            }
            for (JsonNode mapping : service.path("ports")) {
                assertThat(mapping.asText()).as(name + " port").matches("127\\.0\\.0\\.1:(\\$\\{[A-Z_]+:-\\d+}|\\d+):\\d+");
            }
        }

        JsonNode consumer = services.get("consumer");
        assertThat(consumer.path("init").asBoolean()).as("init").isTrue();
        Map<String, String> environment = environment(consumer);
        Duration grace = Optional.ofNullable(environment.get("TASKFORK_SHUTDOWN_GRACE")).map(Values::parseDuration)
                .orElse(DEFAULT_GRACE);
        assertThat(Durations.parse(consumer.path("stop_grace_period").asText()))
                .as("stop_grace_period outlasts the shutdown grace").isGreaterThan(grace);
        for (String dependency : List.of("rabbitmq", "postgres")) {
            assertThat(consumer.path("depends_on").path(dependency).path("condition").asText())
                    .as("consumer waits for " + dependency).isEqualTo("service_healthy");
        }

        URI amqp = URI.create(environment.get("TASKFORK_AMQP_URI"));
        assertThat(amqp.getHost()).isEqualTo("rabbitmq");
        assertThat(amqp.getPort()).isEqualTo(5672);
        Map<String, String> rabbitmq = environment(services.get("rabbitmq"));
        assertThat(amqp.getUserInfo()).isEqualTo(rabbitmq.get("RABBITMQ_DEFAULT_USER") + ":" + rabbitmq.get("RABBITMQ_DEFAULT_PASS"));
        URI jdbc = URI.create(environment.get("TASKFORK_JDBC_URL").substring("jdbc:".length()));
        assertThat(jdbc.getHost()).isEqualTo("postgres");
        assertThat(environment.get("TASKFORK_JDBC_PASSWORD")).isEqualTo(environment(services.get("postgres")).get("POSTGRES_PASSWORD"));
        assertThat(services.get("prometheus").path("image").asText()).startsWith("prom/prometheus:");
        assertThat(services.get("grafana").path("image").asText()).startsWith("grafana/grafana:");
        assertThat(services.get("rabbitmq").path("image").asText()).startsWith("rabbitmq:").contains("management");
    }

    @Test
    void theDockerfileBuildsWithMavenAndRunsTheSupervisorAsOpsTaskforkDoes() throws IOException {
        Dockerfile dockerfile = Dockerfile.read(OPS.resolve("Dockerfile"));

        assertThat(dockerfile.from()).hasSize(2).allSatisfy(image -> assertThat(image).matches(PINNED));
        assertThat(dockerfile.from().get(0)).startsWith("maven:");
        assertThat(dockerfile.from().get(1)).startsWith("eclipse-temurin:").contains("jre");
        assertThat(dockerfile.instructions("RUN")).anyMatch(run -> run.contains("mvn -B -q package -DskipTests"));
        assertThat(dockerfile.lastInStage(1, "USER")).isNotBlank().isNotEqualTo("root");

        List<String> entrypoint = dockerfile.entrypoint();
        assertThat(entrypoint.get(0)).isEqualTo("java");
        int jar = entrypoint.indexOf("-jar");
        assertThat(entrypoint.subList(1, jar)).as("the supervisor's flags in ops/taskfork").isEqualTo(supervisorFlags());

        // what the image holds, where the build left it, and where the entry point looks for it
        Map<String, String> layout = dockerfile.copiedFromBuild();
        assertThat(layout).containsEntry("consumer/target/taskfork-consumer.jar", entrypoint.get(jar + 1))
                .containsEntry("consumer/target/taskfork-consumer-child.jar",
                        Path.of(entrypoint.get(jar + 1)).resolveSibling("taskfork-consumer-child.jar").toString())
                .containsEntry("consumer/target/lib", Path.of(entrypoint.get(jar + 1)).resolveSibling("lib").toString())
                .containsEntry("consumer/target/taskfork-child-init",
                        Path.of(entrypoint.get(jar + 1)).resolveSibling("taskfork-child-init").toString());
        assertThat(dockerfile.instructions("RUN")).as("the build stage's C compiler for taskfork-child-init")
                .anyMatch(run -> run.contains("apt-get install") && run.contains(" gcc "));
        // taskfork-child-init is compiled where the build finds a C compiler, as the image's build stage has.
        boolean compiler = Files.isExecutable(Path.of("/usr/bin/cc"));
        layout.keySet().stream().filter(source -> compiler || !source.endsWith("taskfork-child-init"))
                .forEach(source -> assertThat(ROOT.resolve(source)).as("built by mvn package").exists());

        List<String> ignored = Files.readAllLines(OPS.resolve("Dockerfile.dockerignore"));
        assertThat(ignored).contains(".git", "**/target");
    }

    /**
     * The image's layout and entry point, without Docker: the jars laid out as the Dockerfile copies
     * them, started with its entry point's flags. It runs a task, answers compose's healthcheck, and
     * drains on SIGTERM well within compose's stop_grace_period.
     */
    @Test
    void theImageLayoutRunsATaskPassesTheHealthcheckAndDrainsOnSigterm(@TempDir Path image) throws Exception {
        Dockerfile dockerfile = Dockerfile.read(OPS.resolve("Dockerfile"));
        for (Map.Entry<String, String> copy : dockerfile.copiedFromBuild().entrySet()) {
            // taskfork-child-init is missing where the build found no C compiler; the supervisor then does without.
            if (Files.exists(ROOT.resolve(copy.getKey()))) {
                copyTree(ROOT.resolve(copy.getKey()), image.resolve(copy.getValue().substring(1)));
            }
        }
        List<String> command = new ArrayList<>(dockerfile.entrypoint());
        command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        int jar = command.indexOf("-jar") + 1;
        command.set(jar, image.resolve(command.get(jar).substring(1)).toString());
        JsonNode consumer = services().get("consumer");
        int metricsPort = freePort();
        Path log = image.resolve("consumer.log");

        try (IsolatedEnvironment environment = IsolatedEnvironment.create(OpsFilesIT.class)) {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment.environment());
            builder.environment().put("TASKFORK_METRICS_PORT", String.valueOf(metricsPort));
            Process supervisor = builder.start();
            try {
                awaitConsumer(environment, log);
                TaskStore store = new TaskStore(environment.database());
                long id = store.insert(new NewTask("echo", Json.parse("{\"from\":\"the image layout\"}")));
                try (Channel channel = environment.connection().createChannel()) {
                    channel.basicPublish("", environment.queues().main(), new AMQP.BasicProperties.Builder()
                            .contentType(WireFormat.TEXT_PLAIN).deliveryMode(2).build(), WireFormat.taskIdBody(id));
                }
                Task task = awaitTerminal(store, id, log);
                assertThat(task.status()).as(Files.readString(log)).isEqualTo(TaskStatus.SUCCEEDED);
                if (HostProcesses.namespacesUsable() && Files.isExecutable(Path.of("/usr/bin/cc"))) {
                    assertThat(Files.readString(log)).as("taskfork-child-init found beside the jar")
                            .contains("containment: a PID namespace per child (taskfork-child-init)");
                }

                assertThat(healthcheck(consumer, metricsPort)).as("compose's healthcheck, supervisor up").isZero();
                assertThat(healthcheck(consumer, freePort())).as("compose's healthcheck, nothing listening").isNotZero();
                assertThat(get(metricsPort, "/metrics").body())
                        .contains("taskfork_tasks_finished_total{failure_kind=\"none\",outcome=\"succeeded\",type=\"echo\"} 1.0");

                supervisor.destroy(); // SIGTERM, as docker compose stop sends it
                Duration stopGrace = Durations.parse(consumer.path("stop_grace_period").asText());
                assertThat(supervisor.waitFor(stopGrace.toMillis(), TimeUnit.MILLISECONDS))
                        .as("exits within stop_grace_period").isTrue();
                assertThat(supervisor.exitValue()).as(Files.readString(log)).isZero();
            } finally {
                supervisor.destroyForcibly().waitFor();
            }
        }
    }

    // ---- systemd

    @Test
    void theSystemdUnitDrainsTheSupervisorOnStop(@TempDir Path scratch) throws Exception {
        Path file = OPS.resolve("taskfork.service");
        UnitFile unit = UnitFile.parse(Files.readString(file));

        assertThat(unit.hasSection("Unit")).isTrue();
        assertThat(unit.hasSection("Service")).isTrue();
        assertThat(unit.get("Install", "WantedBy")).contains("multi-user.target");
        String exec = unit.get("Service", "ExecStart").orElseThrow();
        assertThat(exec).as("ExecStart runs the launcher").matches("/\\S+/ops/taskfork consumer");
        // the launcher execs the JVM: the unit's main process, the one KillMode=mixed signals, is the supervisor
        assertThat(Files.readString(OPS.resolve("taskfork"))).containsPattern("consumer\\)[^;]*exec \"\\$java\"");
        assertThat(unit.get("Service", "User")).get().isNotEqualTo("root");
        assertThat(unit.all("Service", "EnvironmentFile")).contains("-/etc/taskfork/taskfork.env");
        assertThat(unit.get("Service", "Restart")).contains("on-failure");
        // exit code 2 is a bad setting (ConsumerProcessIT#badSettingExitsTwoWithOneLineNamingIt): a restart cannot fix it
        assertThat(unit.all("Service", "RestartPreventExitStatus").stream()
                .flatMap(statuses -> Stream.of(statuses.split("\\s+"))))
                .as("RestartPreventExitStatus").contains("2");
        assertThat(unit.get("Service", "KillMode")).contains("mixed");
        assertThat(unit.get("Service", "KillSignal").orElse("SIGTERM")).isEqualTo("SIGTERM");
        assertThat(unit.get("Service", "OOMPolicy")).contains("continue");
        Duration grace = unit.all("Service", "Environment").stream()
                .filter(assignment -> assignment.startsWith("TASKFORK_SHUTDOWN_GRACE="))
                .map(assignment -> Values.parseDuration(assignment.substring(assignment.indexOf('=') + 1)))
                .reduce((first, last) -> last).orElse(DEFAULT_GRACE);
        assertThat(Durations.parse(unit.get("Service", "TimeoutStopSec").orElseThrow()))
                .as("TimeoutStopSec outlasts the shutdown grace").isGreaterThan(grace);

        Optional<Path> analyze = Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").map(Path::of)
                .filter(Files::isExecutable).findFirst();
        if (analyze.isEmpty()) {
            System.out.println("OpsFilesIT: no systemd-analyze on this machine; the unit's structure was checked, not verified by systemd");
            return;
        }
        // systemd-analyze verify wants ExecStart's program to exist: this checkout's launcher stands in for /opt/taskfork's
        Path copy = scratch.resolve("taskfork.service");
        Files.writeString(copy, Files.readString(file).replace(exec.substring(0, exec.indexOf(' ')),
                OPS.resolve("taskfork").toString()));
        Process verify = new ProcessBuilder(analyze.get().toString(), "verify", "--man=no", copy.toString())
                .redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(verify.exitValue()).as(output).isZero();
        assertThat(output.lines().filter(line -> line.contains(copy.getFileName().toString())))
                .as("systemd-analyze verify complains").isEmpty();
        System.out.println("OpsFilesIT: systemd-analyze verify accepted ops/taskfork.service");
    }

    // ---- reading the files

    private static JsonNode dashboard() throws IOException {
        return JSON.readTree(OPS.resolve("grafana/taskfork.json").toFile());
    }

    private static JsonNode yaml(Path file) throws IOException {
        JsonNode node = YAML.readTree(file.toFile());
        assertThat(node).as(file + " parses as YAML").isNotNull();
        return node;
    }

    private static Map<String, JsonNode> services() throws IOException {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        yaml(OPS.resolve("compose.yaml")).path("services").fields()
                .forEachRemaining(entry -> services.put(entry.getKey(), entry.getValue()));
        return services;
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> environment = new LinkedHashMap<>();
        service.path("environment").fields().forEachRemaining(entry -> environment.put(entry.getKey(), entry.getValue().asText()));
        return environment;
    }

    /** A service's bind mounts: container path to host path, the latter relative to ops/. */
    private static Map<String, String> bindMounts(JsonNode service) {
        Map<String, String> mounts = new HashMap<>();
        for (JsonNode volume : service.path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts[0].startsWith("./")) {
                mounts.put(parts[1], parts[0].substring(2));
            }
        }
        return mounts;
    }

    private static Set<String> scrapeJobs() throws IOException {
        Set<String> jobs = new HashSet<>();
        yaml(OPS.resolve("prometheus/prometheus.yml")).path("scrape_configs")
                .forEach(job -> jobs.add(job.path("job_name").asText()));
        return jobs;
    }

    private static String provisionedDatasourceUid() throws IOException {
        return yaml(OPS.resolve("grafana/provisioning/datasources/prometheus.yml")).path("datasources").get(0)
                .path("uid").asText();
    }

    private static JsonNode variable(JsonNode variables, String name) {
        return StreamSupport.stream(variables.spliterator(), false)
                .filter(variable -> variable.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no dashboard variable " + name));
    }

    /** Every panel, rows and the panels inside collapsed rows included. */
    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    private static List<Expression> dashboardExpressions() throws IOException {
        JsonNode dashboard = dashboard();
        List<Expression> expressions = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(new Expression("panel \"" + panel.path("title").asText() + "\" " + target.path("refId").asText(),
                        target.path("expr").asText(), PromQl.legendLabels(target.path("legendFormat").asText())));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                JsonNode query = variable.path("query");
                expressions.add(new Expression("variable " + variable.path("name").asText(),
                        query.isTextual() ? query.asText() : query.path("query").asText(), Set.of()));
            }
        }
        return expressions;
    }

    private static List<Expression> alertExpressions() throws IOException {
        List<Expression> expressions = new ArrayList<>();
        for (JsonNode group : yaml(OPS.resolve("prometheus/alerts.yml")).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                Set<String> shown = new HashSet<>();
                rule.path("annotations").forEach(annotation -> shown.addAll(PromQl.annotationLabels(annotation.asText())));
                expressions.add(new Expression("alert " + rule.path("alert").asText(), rule.path("expr").asText(), shown));
            }
        }
        return expressions;
    }

    /** The flags ops/taskfork starts the supervisor with. */
    private static List<String> supervisorFlags() throws IOException {
        Matcher flags = Pattern.compile("(?m)^supervisor_flags=\\(([^)]*)\\)").matcher(Files.readString(OPS.resolve("taskfork")));
        assertThat(flags.find()).as("supervisor_flags in ops/taskfork").isTrue();
        return List.of(flags.group(1).strip().split("\\s+"));
    }

    /** Runs compose's healthcheck of the consumer, as its container would, against {@code metricsPort}. */
    private static int healthcheck(JsonNode consumer, int metricsPort) throws Exception {
        List<String> test = new ArrayList<>();
        consumer.path("healthcheck").path("test").forEach(part -> test.add(part.asText()));
        assertThat(test.get(0)).isEqualTo("CMD");
        List<String> command = test.subList(1, test.size()).stream()
                .map(part -> part.replace("127.0.0.1/9464", "127.0.0.1/" + metricsPort)).toList();
        Process check = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(check.waitFor(Durations.parse(consumer.path("healthcheck").path("timeout").asText()).toMillis(),
                TimeUnit.MILLISECONDS)).as("the healthcheck ends within its timeout").isTrue();
        return check.exitValue();
    }

    /** Until the supervisor consumes its queue: a message published before the queue exists is lost. */
    private static void awaitConsumer(IsolatedEnvironment environment, Path log) throws Exception {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (Instant.now().isBefore(deadline)) {
            try (Channel channel = environment.connection().createChannel()) {
                if (channel.queueDeclarePassive(environment.queues().main()).getConsumerCount() > 0) {
                    return;
                }
            } catch (IOException | com.rabbitmq.client.ShutdownSignalException notYet) {
                // no such queue yet: the failed passive declare closed that channel
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the supervisor consumes nothing within " + SupervisorFixture.WITHIN + "; log:\n"
                + Files.readString(log));
    }

    private static Task awaitTerminal(TaskStore store, long id, Path log) throws Exception {
        Instant deadline = Instant.now().plus(SupervisorFixture.WITHIN);
        while (Instant.now().isBefore(deadline)) {
            Optional<Task> task = store.find(id);
            if (task.isPresent() && task.get().status().isTerminal()) {
                return task.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("task " + id + " not terminal within " + SupervisorFixture.WITHIN + "; log:\n"
                + Files.readString(log));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("ops/taskfork")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
}
