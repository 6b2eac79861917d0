package io.taskfork.bench;

import io.taskfork.shared.config.ConfigException;
import io.taskfork.shared.config.Setting;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.wire.WireFormat;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ops/bench}: what a fresh JVM per task costs, next to a bare JVM start and an in-process consumer. */
@Command(name = "ops/bench", usageHelpWidth = 100,
        description = {
            "What a fresh JVM per task costs. Against the local RabbitMQ and PostgreSQL, with N no-op",
            "tasks in each phase, it measures:",
            "  a            the floor: N bare JVM starts of an empty main class, 4 at a time, with the",
            "               cheapest flags of a start (C1 only, SerialGC, -XX:-UsePerfData, default CDS)",
            "  b            an in-process consumer making the supervisor's database writes, no isolation",
            "  c            taskfork end to end: a supervisor started with ops/taskfork consumer",
            "  c-bare       c with TASKFORK_CONTAINMENT=session and TASKFORK_TASK_MEMORY=off",
            "  c-nostandby  c with TASKFORK_STANDBY=false",
            "and prints tasks per second, CPU seconds per task, latency percentiles, the supervisor's",
            "memory, the throughput ratios, the containment layer's cost (c less c-bare: CPU ms per",
            "task, throughput c/c-bare) and the machine. It uses a queue taskfork.bench.<run> and a",
            "schema taskfork_bench_<run> of its own, made at the start and removed at the end, so runs at",
            "once keep apart, and ends by itself within about 20 minutes with the defaults. Exit codes:",
            "0 measured, 1 a phase failed, 2 bad usage.",
            ""},
        footer = {"", "TASKFORK_AMQP_URI, TASKFORK_JDBC_URL, TASKFORK_JDBC_USER and TASKFORK_JDBC_PASSWORD say where",
            "the services are."})
public final class Bench implements Callable<Integer> {

    static final int MIN_TASKS = 10;
    static final int MAX_TASKS = 20_000;
    private static final String LOGBACK_CONFIG = "taskfork-bench-logback.xml";
    private static final String LOGBACK_PROPERTY = "logback.configurationFile";
    private static final String PREFIX = "bench: ";

    @Option(names = "--tasks", paramLabel = "N", description = "tasks in each phase, " + MIN_TASKS + " to " + MAX_TASKS
            + " (default: ${DEFAULT-VALUE})")
    int tasks = 500;

    @Option(names = "--java", paramLabel = "PATH", description = "the java that every phase runs on: the floor's"
            + " JVMs, the in-process consumer (ops/bench runs the bench itself on it), the supervisor and its"
            + " children (default: TASKFORK_CHILD_JAVA, else the java running the bench)")
    Path java;

    @Option(names = "--json", description = "print the figures as one JSON object instead of a table")
    boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

    Bench(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // Before any logger exists: the first one makes logback read its configuration.
        if (System.getProperty(LOGBACK_PROPERTY) == null) {
            System.setProperty(LOGBACK_PROPERTY, LOGBACK_CONFIG);
        }
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Runs one command line; returns the exit code: 0 measured, 1 a phase failed, 2 bad usage. */
    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        CommandLine command = new CommandLine(new Bench(environment, out, err));
        command.setOut(new java.io.PrintWriter(out, true));
        command.setErr(new java.io.PrintWriter(err, true));
        command.setParameterExceptionHandler((e, ignored) -> {
            err.println(PREFIX + oneLine(e.getMessage()) + " (see ops/bench --help)");
            return 2;
        });
        command.setExecutionExceptionHandler((e, ignored, parsed) -> {
            err.println(PREFIX + "failed: " + oneLine(String.valueOf(e.getMessage())));
            return 1;
        });
        return command.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (tasks < MIN_TASKS || tasks > MAX_TASKS) {
            err.println(PREFIX + "--tasks must be from " + MIN_TASKS + " to " + MAX_TASKS + ", not " + tasks);
            return 2;
        }
        Map<String, String> variables = new HashMap<>(environment);
        if (java != null) {
            if (!Files.isExecutable(java)) {
                err.println(PREFIX + "--java must name an executable java, not " + java);
                return 2;
            }
            variables.put(Setting.CHILD_JAVA.variable(), java.toAbsolutePath().toString());
        }
        Settings settings;
        try {
            settings = Settings.load(BenchEnvironment.variables(variables), Map.of());
        } catch (ConfigException e) {
            err.println(PREFIX + oneLine(e.getMessage()));
            return 2;
        }
        Report report = new BenchRun(settings, tasks, err).run();
        if (json) {
            report.printJson(out);
        } else {
            report.printTable(out);
        }
        if (report.failure() != null) {
            err.println(PREFIX + report.failure().stage() + " failed: " + report.failure().reason());
            return 1;
        }
        return 0;
    }

    static String oneLine(String message) {
        return WireFormat.oneLine(message.lines().findFirst().orElse(message));
    }
}
