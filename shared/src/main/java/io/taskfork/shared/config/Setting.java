package io.taskfork.shared.config;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every setting, with the environment variable and the command-line flag that set it. */
public enum Setting {
    AMQP_URI("amqp://guest:guest@localhost:5672/%2F", "AMQP URI of the broker; for a cluster, one per node, with commas"),
    JDBC_URL("jdbc:postgresql://localhost:5432/postgres", "JDBC URL of the PostgreSQL database"),
    JDBC_USER("postgres", "database user"),
    JDBC_PASSWORD("", "database password"),
    DB_SCHEMA("taskfork", "schema that holds the tasks table"),
    QUEUE("taskfork.tasks", "main queue; .dead and .retry are derived from it"),
    PREFETCH("4", "messages taken at once = most children running at once"),
    TASK_TIMEOUT("10m", "a child running longer is killed (outcome timeout)"),
    CHILD_HEAP("256m", "maximum heap of each child JVM (-Xmx)"),
    TASK_MEMORY("auto", "most memory all of a task's processes may hold together: a size, off, or auto (the host's memory / (PREFETCH + 1))"),
    TASK_PROCESSES("1024", "most processes and threads all of a task's processes may have at once, where the host"
            + " offers a pids cgroup to write; off for no limit"),
    CHILD_JAVA("", "java executable for children (default: the one running the supervisor)"),
    CHILD_JAVA_OPTIONS("", "more JVM flags for each child, separated by spaces (e.g. -Xss1m)"),
    CHILD_JIT("auto", "auto: C1 alone for a type whose last 3 tasks each used under 100 ms of CPU, else C1 and C2;"
            + " tiered: C1 and C2; c1: C1 alone"),
    STANDBY("true", "keep up to PREFETCH children started and waiting, so a task starts without a JVM start"),
    CACHE_DIR("", "where children's class-data-sharing archives are kept (default: ~/.cache/taskfork)"),
    HANDLER_PATH("", "jars or directories put on the children's classpath only"),
    LOG_LIMIT("256k", "most bytes of a task's output kept in its log"),
    MAX_MESSAGE("1m", "largest message body accepted"),
    METRICS_PORT("9464", "port of /metrics and /healthz; 0 disables"),
    METRICS_BIND("", "address /metrics and /healthz listen on, such as 127.0.0.1; empty: every interface"),
    MAX_ATTEMPTS("3", "runs of a task whose handler throws, before it fails (a task's max_attempts overrides)"),
    RETRY_DELAY("1s", "delay before the first retry; each next one waits 4 times longer, with jitter"),
    CRASH_RETRIES("0", "retries of a task whose child died (exit, signal, oom, timeout, memory)"),
    SHUTDOWN_GRACE("30s", "on SIGTERM, how long running children may finish before they are killed"),
    OUTBOX_AGE("1m", "a queued task this old whose message was never confirmed is published again"),
    TYPE_LIMITS("", "the most tasks of a type running at once across every supervisor, such as exec:2,report:1"),
    WORK_DIR("", "each task works in a fresh WORK_DIR/<task-id> (default: <tmp>/taskfork-work/<schema>)"),
    KEEP_WORKDIRS("false", "keep task directories after their tasks (true or false)"),
    LOG_FORMAT("text", "format of log lines: text, or json for one JSON object a line"),
    EXEC_ALLOW("", "commands the exec type may run: names or absolute paths; empty disables exec"),
    EXEC_ROOTS("", "directories under which an exec task may name its own cwd"),
    EXEC_ENV_PASS("PATH,HOME,LANG", "environment variables an exec command inherits; the task's env adds more"),
    EXEC_SANDBOX("off", "off, or bwrap to run each exec command under bubblewrap: system read-only, only its own directories writable"),
    EXEC_NETWORK("true", "whether an exec command under the sandbox may use the network (true or false)"),
    CONTAINMENT("auto", "auto: a PID namespace per child where unshare works, else the child's process tree (its"
            + " session without taskfork-child-init); session: that even where unshare works"),
    HTTP_BIND("127.0.0.1", "address the HTTP API of serve listens on; any but a loopback one needs TASKFORK_HTTP_TOKEN"),
    HTTP_PORT("8080", "port of the HTTP API of serve; 0 takes any free one"),
    HTTP_TOKEN("", "bearer token every /api request of serve must carry; empty: none asked for (loopback only)"),
    HTTP_READONLY_TOKEN("", "bearer token of serve that may only read (GET); needs TASKFORK_HTTP_TOKEN too");

    private final String defaultValue;
    private final String description;

    Setting(String defaultValue, String description) {
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String variable() {
        return "TASKFORK_" + name();
    }

    /**
     * The variables of {@code environment} named like a setting that no setting has, in order: a
     * misspelt one would otherwise be ignored without a word, its default taken.
     */
    public static List<String> unknownIn(Map<String, String> environment) {
        // the host ports of ops/compose.yaml, which the shell that runs it may hold too
        Set<String> known = new HashSet<>(List.of("TASKFORK_AMQP_PORT", "TASKFORK_RABBITMQ_UI_PORT",
                "TASKFORK_POSTGRES_PORT", "TASKFORK_METRICS_HOST_PORT", "TASKFORK_PROMETHEUS_PORT", "TASKFORK_GRAFANA_PORT"));
        for (Setting setting : values()) {
            known.add(setting.variable());
        }
        return environment.keySet().stream().filter(name -> name.startsWith("TASKFORK_") && !known.contains(name))
                .sorted().toList();
    }

    public String flag() {
        return "--" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}
