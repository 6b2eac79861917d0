package io.taskfork.consumer;

import static io.taskfork.consumer.testing.PackagedConsumer.WITHIN;
import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static io.taskfork.consumer.testing.PackagedConsumer.isRunning;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static io.taskfork.consumer.testing.PackagedConsumer.start;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.taskfork.consumer.supervisor.launch.ChildCgroupsAccess;
import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.consumer.testing.PackagedConsumer;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The packaged consumer as a user runs it: {@code java -jar taskfork-consumer.jar}. */
class ConsumerProcessIT {

    /**
     * A restarted supervisor reruns a dead one's tasks at once: well before the 30 s after which any
     * supervisor would, with room for a loaded machine's redelivery and child start.
     */
    private static final Duration RERUN_AT_ONCE = Duration.ofSeconds(10);

    @TempDir
    static Path folder;
    private static IsolatedEnvironment environment;

    @BeforeAll
    static void createEnvironment() {
        environment = IsolatedEnvironment.create(ConsumerProcessIT.class);
    }

    @AfterAll
    static void dropEnvironment() throws Exception {
        environment.close();
    }

    @Test
    void oneLineAtStartNamesHowChildrenAreContained() throws Exception {
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Map<String, String> misspelt = new HashMap<>(environment.environment());
        misspelt.put("TASKFORK_PREFECH", "8");
        Process consumer = start(misspelt, log);
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
            long id = submitSleep(10);
            awaitTrue(() -> store().find(id).orElseThrow().status() == TaskStatus.SUCCEEDED, "a task ran");

            List<String> lines = read(log).lines().filter(line -> line.contains("containment: ")).toList();
            assertThat(lines).as(read(log)).hasSize(1);
            // The build compiles taskfork-child-init beside the jar where it finds a C compiler.
            boolean childInit = Files.isExecutable(Path.of("target", "taskfork-child-init"));
            assertThat(childInit).as("taskfork-child-init built").isEqualTo(Files.isExecutable(Path.of("/usr/bin/cc")));
            assertThat(lines.get(0)).contains(!HostProcesses.namespacesUsable()
                    ? (childInit ? "containment: the child's process tree without a PID namespace"
                            : "containment: the child's session only")
                    : childInit ? "containment: a PID namespace per child (taskfork-child-init)"
                    : "containment: a PID namespace per child (unshare --pid --fork --kill-child)");
            assertThat(read(log).indexOf(lines.get(0))).isLessThan(read(log).indexOf("consuming "));
            long capBytes = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getTotalMemorySize() / 5;
            long hostShare = capBytes >> 20;
            assertThat(read(log).lines().filter(line -> line.contains("memory cap: ")))
                    .as("the default cap: the host's memory over PREFETCH 4 + 1").singleElement().asString()
                    .contains("memory cap: " + hostShare + " MiB per task, over all its processes");
            // the kernel's limit behind the cap, in a memory cgroup of each child's own where the host has one
            assertThat(read(log).lines().filter(line -> line.contains("memory limit: "))).singleElement().asString()
                    .contains(ChildCgroupsAccess.memoryLimitHere(capBytes) ? "memory limit: " + (2 * capBytes >> 20)
                            + " MiB per task, 2 times the memory cap, held by the kernel (memory cgroups in "
                            : "memory limit: none, ");
            assertThat(read(log).lines().filter(line -> line.contains("exec: "))).singleElement().asString()
                    .endsWith("exec: off (TASKFORK_EXEC_ALLOW names no command)");
            assertThat(read(log).lines().filter(line -> line.contains("child JIT: "))).singleElement().asString()
                    .endsWith("child JIT: C1 alone for a type whose last 3 tasks each used under 100 ms of CPU,"
                            + " else C1 and C2");
            assertThat(read(log).lines().filter(line -> line.contains("TASKFORK_PREFECH"))).singleElement().asString()
                    .contains("WARN").endsWith("TASKFORK_PREFECH is no setting of taskfork's, and is ignored (misspelt?"
                            + " README, \"Configuration\", lists them)");
        } finally {
            consumer.destroy();
            consumer.waitFor();
        }
    }

    @Test
    void containmentSessionRunsEachTaskInTheHostsPidNamespaceAndSaysSoAtStart() throws Exception {
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_CONTAINMENT", "session");
        // Without standby children, the supervisor's one child is the running task's.
        variables.put("TASKFORK_STANDBY", "false");
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(variables, log);
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
            assertThat(read(log).lines().filter(line -> line.contains("containment: ")).toList()).as(read(log))
                    .singleElement().asString().endsWith("containment: the child's process tree without a PID"
                            + " namespace (TASKFORK_CONTAINMENT=session): taskfork-child-init takes in its orphans,"
                            + " one that called setsid included, and ends them with the child");

            long id = submitSleep(3000);
            awaitTrue(() -> !PackagedConsumer.children(consumer).isEmpty(), "the task's child started");
            ProcessHandle init = PackagedConsumer.children(consumer).get(0);
            // taskfork-child-init is the JVM's parent and the subreaper of all it starts; in a
            // namespace the JVM would be PID 2 of a namespace of its own.
            awaitTrue(() -> init.children().anyMatch(ConsumerProcessIT::isJava), "taskfork-child-init runs the JVM");
            ProcessHandle jvm = init.children().filter(ConsumerProcessIT::isJava).findFirst().orElseThrow();
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(jvm.pid()), "ns", "pid")))
                    .as("the task's JVM's PID namespace")
                    .isEqualTo(Files.readSymbolicLink(Path.of("/proc", "self", "ns", "pid")));
            awaitTrue(() -> store().find(id).orElseThrow().status() == TaskStatus.SUCCEEDED, "the task ran");
        } finally {
            consumer.destroy();
            consumer.waitFor();
        }
    }

    private static boolean isJava(ProcessHandle process) {
        return process.info().command().filter(command -> command.endsWith("/java")).isPresent();
    }

    @Test
    void aMetricsPortThatIsTakenStopsTheStartWithOneLineThatNamesTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Map<String, String> variables = new HashMap<>(environment.environment());
            variables.put("TASKFORK_METRICS_PORT", Integer.toString(taken.getLocalPort()));
            Path log = Files.createTempFile(folder, "consumer", ".log");
            Process consumer = start(variables, log);

            assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(consumer.exitValue()).isEqualTo(1);
            assertThat(read(log)).contains("taskfork consumer: cannot start: the metrics port "
                    + taken.getLocalPort() + " is taken by another process; give this supervisor one of its own"
                    + " with --metrics-port or TASKFORK_METRICS_PORT (0 turns /metrics off)");
            // nothing left for the next supervisor to take for one that died without stopping
            int rows = environment.database().jdbi().withHandle(handle -> handle
                    .createQuery("select count(*) from workers where name like :pid").bind("pid", "%/" + consumer.pid())
                    .mapTo(Integer.class).one());
            assertThat(rows).as("its heartbeat's row").isZero();
        }
    }

    @Test
    void healthzAnswers503StartingFromTheStartUntilTheSupervisorConsumes() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_METRICS_PORT", Integer.toString(port));
        Path log = Files.createTempFile(folder, "consumer", ".log");
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest healthz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build();
        Process consumer = start(variables, log);
        try {
            List<String> answers = new ArrayList<>();
            Instant until = Instant.now().plus(WITHIN);
            while (!read(log).contains("consuming " + environment.queues().main()) && Instant.now().isBefore(until)
                    && consumer.isAlive()) {
                try {
                    HttpResponse<String> answer = client.send(healthz, HttpResponse.BodyHandlers.ofString());
                    answers.add(answer.statusCode() + " " + answer.body().strip());
                } catch (java.io.IOException notYet) {
                    // the JVM has not bound the port yet
                }
                Thread.sleep(20);
            }
            assertThat(answers).as(read(log)).contains("503 unhealthy: starting");
            assertThat(client.send(healthz, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok\n");
        } finally {
            consumer.destroy();
            consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermLetsTheRunningTaskFinishThenExitsZero() throws Exception {
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(environment.environment(), log);
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
            TaskStore store = store();
            long id = submitSleep(3000);
            awaitTrue(() -> store.find(id).orElseThrow().status() == TaskStatus.RUNNING, "task running");

            consumer.destroy();

            assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(consumer.exitValue()).as(read(log)).isZero();
            Task task = store.find(id).orElseThrow();
            assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(read(log)).contains("stopping: no new tasks").contains("task " + id + " sleep succeeded")
                    .contains("stopped");
        } finally {
            consumer.destroyForcibly();
        }
    }

    @Test
    void sigtermAfterTheGraceKillsTheChildGivesItsTaskBackAndExitsZero() throws Exception {
        Duration grace = Duration.ofSeconds(1);
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = consumingWithGrace("1s", log);
        long id = 0;
        try {
            long task = submitSleep(60_000);
            id = task;
            awaitTrue(() -> store().find(task).orElseThrow().status() == TaskStatus.RUNNING, "task running");
            List<ProcessHandle> children = PackagedConsumer.children(consumer);

            Instant terminated = Instant.now();
            consumer.destroy();

            assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Duration took = Duration.between(terminated, Instant.now());
            assertThat(consumer.exitValue()).as(read(log)).isZero();
            // the grace was waited for, and it was this one: the default is 30 s
            assertThat(took).as(read(log)).isGreaterThanOrEqualTo(grace).isLessThan(Duration.ofSeconds(15));
            assertGivenBack(task, children);
        } finally {
            consumer.destroyForcibly();
            forget(id);
        }
    }

    @Test
    void aSecondSigtermDuringTheDrainKillsTheChildAtOnceGivesItsTaskBackAndExitsZero() throws Exception {
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = consumingWithGrace("2m", log);
        long id = 0;
        try {
            long task = submitSleep(60_000);
            id = task;
            awaitTrue(() -> store().find(task).orElseThrow().status() == TaskStatus.RUNNING, "task running");
            List<ProcessHandle> children = PackagedConsumer.children(consumer);
            consumer.destroy();
            awaitTrue(() -> read(log).contains("stopping: no new tasks"), "the drain begun");

            Instant again = Instant.now();
            consumer.destroy();

            assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).as(read(log)).isTrue();
            assertThat(Duration.between(again, Instant.now())).as(read(log)).isLessThan(Duration.ofSeconds(15));
            assertThat(consumer.exitValue()).as(read(log)).isZero();
            assertThat(read(log)).contains("asked again to stop: killing the children still running (1)")
                    .contains("stopped");
            assertGivenBack(task, children);
        } finally {
            consumer.destroyForcibly();
            forget(id);
        }
    }

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"INT", "HUP"})
    void ctrlCOrAHangUpOnTheTerminalDrainsWithoutKillingTheChildren(String signal) throws Exception {
        Path log = Files.createTempFile(folder, "consumer", ".log");
        // As in a terminal: the consumer leads a process group, and Ctrl-C (or the terminal's hang-up)
        // signals the whole group. A build started under nohup hands its ignored HUP down to every
        // process it starts: as in a terminal, the supervisor starts with both at their defaults.
        Process consumer = start(environment.environment(), log, "env", "--default-signal=HUP,INT", "setsid");
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
            long id = submitSleep(3000);
            awaitTrue(() -> store().find(id).orElseThrow().status() == TaskStatus.RUNNING, "task running");

            Process ctrlC = new ProcessBuilder("kill", "-" + signal, "--", "-" + consumer.pid()).inheritIO().start();
            assertThat(ctrlC.waitFor()).isZero();
            if (signal.equals("HUP")) {
                // a terminal that closes hangs up twice: the shell's, then the kernel's to the foreground group
                Process again = new ProcessBuilder("kill", "-HUP", "--", "-" + consumer.pid()).inheritIO().start();
                assertThat(again.waitFor()).isZero();
            }

            assertThat(consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(consumer.exitValue()).as(read(log)).isZero();
            assertThat(store().find(id).orElseThrow().status()).as(read(log)).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(read(log)).contains("stopping: no new tasks").contains("stopped");
        } finally {
            consumer.destroyForcibly();
        }
    }

    @Test
    void underNohupAHangUpStaysIgnoredAndTheSupervisorRunsOn() throws Exception {
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(environment.environment(), log, "nohup");
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");

            Process hangUp = new ProcessBuilder("kill", "-HUP", Long.toString(consumer.pid())).inheritIO().start();
            assertThat(hangUp.waitFor()).isZero();
            long id = submitSleep(10);

            awaitTrue(() -> store().find(id).orElseThrow().status() == TaskStatus.SUCCEEDED, "a task run after it");
            assertThat(consumer.isAlive()).isTrue();
            assertThat(read(log)).doesNotContain("stopping");
        } finally {
            consumer.destroyForcibly();
        }
    }

    @Test
    void sigkilledSupervisorsChildDiesWithinASecondAndItsTaskRunsAgainAtOnceOnRestart() throws Exception {
        Path firstLog = Files.createTempFile(folder, "consumer", ".log");
        Process first = start(environment.environment(), firstLog);
        Path secondLog = Files.createTempFile(folder, "consumer", ".log");
        Process second = null;
        try {
            awaitTrue(() -> read(firstLog).contains("consuming " + environment.queues().main()), "consumer started");
            long id = submitSleep(2000);
            awaitTrue(() -> store().find(id).orElseThrow().status() == TaskStatus.RUNNING, "task running");
            // the task's child and the standby children waiting for tasks
            awaitTrue(() -> PackagedConsumer.children(first).size() > 1, "a standby child beside the task's");
            List<ProcessHandle> children = PackagedConsumer.children(first);

            first.destroyForcibly();
            Instant killed = Instant.now();
            awaitTrue(() -> children.stream().noneMatch(PackagedConsumer::isRunning), "orphaned children gone");
            Duration orphaned = Duration.between(killed, Instant.now());

            second = start(environment.environment(), secondLog);
            awaitTrue(() -> read(secondLog).contains("consuming " + environment.queues().main()), "restarted");
            Instant consuming = Instant.now();
            awaitTrue(() -> store().find(id).orElseThrow().status().isTerminal(), "task ran again");
            Task task = store().find(id).orElseThrow();
            assertThat(orphaned).as("the orphaned children's life after their supervisor").isLessThan(Duration.ofSeconds(1));
            assertThat(task.status()).as(read(secondLog)).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(task.attempts()).isEqualTo(2);
            // at once, not once the dead supervisor's heartbeat is 30 s old
            assertThat(Duration.between(consuming, task.startedAt())).as("from the restart to the second run")
                    .isLessThan(RERUN_AT_ONCE);
            assertThat(read(secondLog)).contains("died without stopping");
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
        }
    }

    @Test
    void sigkilledSupervisorTakesItsExecCommandsTreeWithIt() throws Exception {
        Path scripts = Files.createTempDirectory(folder, "exec");
        Path pidFile = scripts.resolve("grandchild.pid");
        Path script = Files.writeString(scripts.resolve("spawn.sh"), "#!/bin/sh\nsh -c 'trap \"\" TERM; echo $$ > "
                + pidFile + "; exec sleep 600' & sleep 600\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_EXEC_ALLOW", script.toString());
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(variables, log);
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
            long id = store().insert(new NewTask("exec", Json.parse("{\"argv\":[\"" + script + "\"]}")));
            publish(id);
            awaitTrue(() -> Files.exists(pidFile) && !read(pidFile).isBlank(), "grandchild started");
            ProcessHandle grandchild = HostProcesses.ofTaskPid(Long.parseLong(read(pidFile).strip())).orElseThrow();

            consumer.destroyForcibly();
            Instant killed = Instant.now();
            awaitTrue(() -> !isRunning(grandchild), "grandchild gone");

            assertThat(Duration.between(killed, Instant.now())).isLessThan(Duration.ofSeconds(1));
        } finally {
            consumer.destroyForcibly();
        }
    }

    @Test
    void taskTimeoutNotBelowTheBrokersConsumerTimeoutIsWarnedAboutAtStart() throws Exception {
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_TASK_TIMEOUT", "45m");
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(variables, log);
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");

            assertThat(read(log)).contains("WARN").contains("TASKFORK_TASK_TIMEOUT=45m is not below RabbitMQ's"
                    + " default consumer_timeout of 30m");
        } finally {
            consumer.destroy();
            consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void childrenAndTheirCommandsNeverSeeTheDatabasePasswordEvenWhenPassedThrough() throws Exception {
        Map<String, String> variables = new HashMap<>(environment.environment());
        // with trust authentication any password is accepted, so a recognizable one can be used
        String password = variables.get("TASKFORK_JDBC_PASSWORD").isEmpty()
                ? "s3cret-" + java.util.UUID.randomUUID() : variables.get("TASKFORK_JDBC_PASSWORD");
        variables.put("TASKFORK_JDBC_PASSWORD", password);
        variables.put("TASKFORK_EXEC_ALLOW", "env");
        variables.put("TASKFORK_EXEC_ENV_PASS", "PATH,TASKFORK_JDBC_PASSWORD,TASKFORK_AMQP_URI");
        Path log = Files.createTempFile(folder, "consumer", ".log");
        Process consumer = start(variables, log);
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
            long id = store().insert(new NewTask("exec", Json.parse("{\"argv\":[\"env\"]}")));
            publish(id);

            awaitTrue(() -> store().find(id).orElseThrow().status().isTerminal(), "exec finished");

            assertThat(store().find(id).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(store().log(id).orElseThrow()).contains("PATH=").doesNotContain(password)
                    .doesNotContain("TASKFORK_JDBC_PASSWORD").doesNotContain("TASKFORK_AMQP_URI");
        } finally {
            consumer.destroy();
            consumer.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static TaskStore store() {
        return new TaskStore(environment.database());
    }

    private static long submitSleep(long ms) throws Exception {
        long id = store().insert(new NewTask("sleep", Json.parse("{\"ms\":" + ms + "}")));
        publish(id);
        return id;
    }

    /** A supervisor that drains for {@code grace}, once it consumes; its output in {@code log}. */
    private static Process consumingWithGrace(String grace, Path log) throws Exception {
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_SHUTDOWN_GRACE", grace);
        Process consumer = start(variables, log);
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
        } catch (AssertionError | RuntimeException notStarted) {
            consumer.destroyForcibly();
            throw notStarted;
        }
        return consumer;
    }

    /** The task's child and what it started are gone, and the task waits again as before it ran. */
    private static void assertGivenBack(long task, List<ProcessHandle> children) throws Exception {
        assertThat(children).as("its children, the task's among them").isNotEmpty()
                .noneMatch(PackagedConsumer::isRunning);
        Task given = store().find(task).orElseThrow();
        assertThat(given.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(given.attempts()).isZero();
        awaitTrue(() -> readyMessages() == 1, "its message back in the queue");
    }

    /** The next test's consumer must not find a minute-long task waiting. */
    private static void forget(long id) throws Exception {
        if (id != 0) {
            store().cancel(id);
        }
        try (Channel channel = environment.connection().createChannel()) {
            channel.queuePurge(environment.queues().main());
        }
    }

    private static long readyMessages() {
        try (Channel channel = environment.connection().createChannel()) {
            return channel.queueDeclarePassive(environment.queues().main()).getMessageCount();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void publish(long id) throws Exception {
        PackagedConsumer.publish(environment, id);
    }
}
