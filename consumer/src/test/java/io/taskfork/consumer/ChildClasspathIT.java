package io.taskfork.consumer;

import static io.taskfork.consumer.testing.PackagedConsumer.WITHIN;
import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static io.taskfork.consumer.testing.PackagedConsumer.start;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.taskfork.consumer.testhandlers.ClasspathProbeHandler;
import io.taskfork.consumer.testing.HandlerJar;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import io.taskfork.shared.wire.WireFormat;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "How a task runs" and "Only children load it": the child's classpath holds no AMQP client,
 * JDBC driver or Flyway, and the handler path is never on the supervisor's, which never opens it.
 */
class ChildClasspathIT {

    private static final List<String> SUPERVISOR_ONLY = List.of("com.rabbitmq.client.Connection",
            "org.postgresql.Driver", "org.flywaydb.core.Flyway", "org.jdbi.v3.core.Jdbi",
            "com.zaxxer.hikari.HikariDataSource");
    private static final List<String> CHILD_NEEDS = List.of("io.taskfork.shared.handler.TaskHandler",
            "com.fasterxml.jackson.databind.ObjectMapper");
    private static IsolatedEnvironment environment;

    @TempDir
    Path folder;

    @BeforeAll
    static void createEnvironment() {
        environment = IsolatedEnvironment.create(ChildClasspathIT.class);
    }

    @AfterAll
    static void dropEnvironment() throws Exception {
        environment.close();
    }

    @Test
    void childrenCannotLoadTheAmqpClientTheJdbcDriverOrFlywayButSeeTheHandlerPath() throws Exception {
        Path jar = markerJar();
        Process consumer = start(variables(jar), folder.resolve("consumer.log"));
        try {
            Task task = run(consumer, "classpath-probe", probePayload());

            assertThat(task.status()).as(read(folder.resolve("consumer.log"))).isEqualTo(TaskStatus.SUCCEEDED);
            Map<String, Boolean> loadable = new HashMap<>();
            task.result().path("loadable").fields()
                    .forEachRemaining(entry -> loadable.put(entry.getKey(), entry.getValue().asBoolean()));
            assertThat(loadable).as("what the child can load").containsAllEntriesOf(expectedLoadable());
            List<String> classPath = Arrays.asList(task.result().path("class_path").asText().split(File.pathSeparator));
            assertThat(classPath).contains(testClasses().toString(), jar.toString())
                    .noneMatch(entry -> entry.matches(".*/(amqp-client|postgresql|flyway|jdbi3|HikariCP)[^/]*\\.jar"));
            // Jackson comes in the child jar, not in jars of its own
            assertThat(classPath.subList(0, 2)).as("the child's classpath before the handler path")
                    .satisfiesExactly(
                            entry -> assertThat(entry).endsWith("/target/taskfork-consumer-child.jar"),
                            entry -> assertThat(entry).matches(".*/lib/taskfork-shared-[^/]*\\.jar"));
            assertThat(classPath).noneMatch(entry -> entry.contains("jackson"));
            // Jackson is defined by a loader that sees the platform's modules: java.sql's values are written as usual
            assertThat(task.result().path("jdbc_values").toString())
                    .isEqualTo(Json.MAPPER.valueToTree(ClasspathProbeHandler.JDBC_VALUES).toString());
        } finally {
            stop(consumer);
        }
    }

    @Test
    void theHandlerPathIsNeitherOnTheSupervisorsClasspathNorOpenedByIt() throws Exception {
        Path jar = markerJar();
        Process consumer = start(variables(jar), folder.resolve("consumer.log"));
        try {
            // Both kinds of entry have served a task, so the supervisor had every occasion to touch them.
            assertThat(run(consumer, "marker", "{}").status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(run(consumer, "classpath-probe", probePayload()).status()).isEqualTo(TaskStatus.SUCCEEDED);
            List<String> handlerPath = List.of(testClasses().toString(), jar.toString());

            List<String> commandLine = commandLine(consumer.pid());
            assertThat(commandLine).as("the supervisor's command line").contains("-jar")
                    .noneMatch(argument -> handlerPath.stream().anyMatch(argument::contains));
            assertThat(manifestClassPath()).as("the consumer jar's Class-Path")
                    .noneMatch(entry -> handlerPath.stream().anyMatch(path -> path.endsWith(entry)));
            assertThat(openFiles(consumer.pid())).as("files the supervisor holds open or mapped")
                    .isNotEmpty()
                    .noneMatch(file -> handlerPath.stream().anyMatch(file::startsWith));
        } finally {
            stop(consumer);
        }
    }

    private static Map<String, Boolean> expectedLoadable() {
        Map<String, Boolean> expected = new HashMap<>();
        SUPERVISOR_ONLY.forEach(name -> expected.put(name, false));
        CHILD_NEEDS.forEach(name -> expected.put(name, true));
        return expected;
    }

    private static String probePayload() {
        List<String> classes = new ArrayList<>(SUPERVISOR_ONLY);
        classes.addAll(CHILD_NEEDS);
        return Json.MAPPER.createObjectNode().set("classes", Json.MAPPER.valueToTree(classes)).toString();
    }

    private Path markerJar() throws IOException {
        return HandlerJar.write(folder.resolve("marker.jar"), "Marker", "@TaskType(\"marker\")\n"
                + "public final class Marker implements TaskHandler {\n"
                + "    @Override\n"
                + "    public Object handle(TaskContext context) {\n"
                + "        return Map.of(\"marked\", true);\n"
                + "    }\n"
                + "}\n");
    }

    private Map<String, String> variables(Path jar) {
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_PREFETCH", "1");
        variables.put("TASKFORK_HANDLER_PATH", testClasses() + File.pathSeparator + jar);
        variables.put("TASKFORK_CACHE_DIR", folder.resolve("cache").toString());
        variables.put("TASKFORK_WORK_DIR", folder.resolve("work").toString());
        return variables;
    }

    private Task run(Process consumer, String type, String payload) throws Exception {
        Path log = folder.resolve("consumer.log");
        awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()) || !consumer.isAlive(),
                "consumer started");
        TaskStore store = new TaskStore(environment.database());
        long id = store.insert(new NewTask(type, Json.parse(payload)));
        try (Channel channel = environment.connection().createChannel()) {
            channel.basicPublish("", environment.queues().main(), new AMQP.BasicProperties.Builder()
                    .contentType(WireFormat.TEXT_PLAIN).deliveryMode(2).build(), WireFormat.taskIdBody(id));
        }
        awaitTrue(() -> store.find(id).orElseThrow().status().isTerminal(), "task " + id + " ended; " + read(log));
        return store.find(id).orElseThrow();
    }

    /**
     * The child jar is built from the packages that run in the child alone, and Jackson's classes:
     * none of its classes names a class of the supervisor's side, nor a library only the supervisor
     * has. It has no Class-Path, and none of Jackson's manifests or versioned classes.
     */
    @Test
    void theChildJarHoldsOnlyWhatRunsInTheChild() throws IOException {
        List<String> supervisorSide = List.of("io/taskfork/consumer/supervisor/", "org/slf4j/", "io/micrometer/",
                "com/rabbitmq/", "org/postgresql/", "org/flywaydb/", "org/jdbi/", "com/zaxxer/", "io/javalin/",
                "org/eclipse/jetty/");
        List<String> entries = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        try (JarFile jar = new JarFile("target/taskfork-consumer-child.jar")) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Class-Path")).isNull();
            assertThat(new String(jar.getInputStream(jar.getEntry("META-INF/NOTICE")).readAllBytes(),
                    StandardCharsets.UTF_8)).as("jackson-core's notice, which names the code it bundles")
                    .contains("FastDoubleParser", "Schubfach");
            for (java.util.jar.JarEntry entry : java.util.Collections.list(jar.entries())) {
                entries.add(entry.getName());
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                classes.add(entry.getName());
                // a class names every class it uses in its constant pool, as a modified-UTF-8 string
                String pool = new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(supervisorSide).as("what %s names", entry.getName()).noneMatch(pool::contains);
            }
        }
        assertThat(classes).contains("io/taskfork/consumer/child/ChildMain.class",
                "io/taskfork/consumer/child/handlers/ExecHandler.class",
                "com/fasterxml/jackson/databind/ObjectMapper.class", "com/fasterxml/jackson/core/JsonFactory.class",
                "com/fasterxml/jackson/annotation/JsonAutoDetect.class")
                .allMatch(name -> name.startsWith("io/taskfork/consumer/child/") || name.startsWith("com/fasterxml/jackson/"))
                .noneMatch(name -> name.endsWith("module-info.class"));
        assertThat(entries).contains("META-INF/LICENSE", "META-INF/NOTICE")
                .noneMatch(name -> name.startsWith("META-INF/versions/") || name.startsWith("META-INF/maven/"));
    }

    /** The HTTP API is the producer's (serve): its server and web library never reach the consumer's lib/. */
    @Test
    void theHttpApisLibrariesAreNotInTheConsumersLib() throws IOException {
        try (Stream<Path> jars = Files.list(Path.of("target/lib"))) {
            assertThat(jars.map(jar -> jar.getFileName().toString()).toList())
                    .isNotEmpty()
                    .noneMatch(name -> name.startsWith("javalin-") || name.startsWith("jetty-")
                            || name.startsWith("websocket-jetty-") || name.startsWith("kotlin-stdlib"));
        }
    }

    private static List<String> commandLine(long pid) throws IOException {
        String raw = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
        return List.of(raw.split("\0"));
    }

    private static List<String> manifestClassPath() throws IOException {
        try (JarFile jar = new JarFile("target/taskfork-consumer.jar")) {
            String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
            return classPath == null ? List.of() : List.of(classPath.trim().split("\\s+"));
        }
    }

    /** Where the process's open descriptors lead, and the files it has mapped (jars the JVM reads). */
    private static List<String> openFiles(long pid) throws IOException {
        List<String> files = new ArrayList<>();
        Path descriptors = Path.of("/proc", Long.toString(pid), "fd");
        try (Stream<Path> all = Files.list(descriptors)) {
            for (Path descriptor : all.toList()) {
                try {
                    files.add(Files.readSymbolicLink(descriptor).toString());
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed since the listing leads nowhere
                }
            }
        }
        Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps")).stream()
                .map(line -> line.split("\\s+", 6))
                .filter(fields -> fields.length == 6 && fields[5].startsWith("/"))
                .forEach(fields -> files.add(fields[5]));
        return files;
    }

    private static void stop(Process consumer) throws InterruptedException {
        consumer.destroy();
        if (!consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            consumer.destroyForcibly();
        }
    }

    private static Path testClasses() {
        try {
            return Path.of(ClasspathProbeHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
