package io.taskfork.consumer.child;

/**
 * The words of the conversation between the supervisor and a child, one JSON object per line. The
 * request goes on the child's stdin, which the supervisor then holds open as the child's lifeline.
 * Events come back on a pipe of their own (file descriptor 3, see {@code supervisor.launch.ChildCommand}); the child's
 * stdout and stderr both go to its log, so nothing a handler or a native library prints can be taken
 * for a result.
 *
 * <p>Supervisor to child, once: a request, {@code {"kind":"task","id":..,"type":..,"attempt":..,
 * "workDirectory":..,"handler":..,"deadline_ms":..,"payload":{..}}}, {@code {"kind":"list-types"}}
 * or, to the child that writes the class-data-sharing archive, {@code {"kind":"prepare",
 * "handlers":[..]}}. Child to supervisor: {@code started}, any number of {@code progress}, then the
 * last event, one of {@code result}, {@code error}, {@code types} or {@code prepared}; or, when the
 * child is dying, {@code exit} (its JVM is shutting down through System.exit) or {@code signal} (a
 * signal asked it to stop).
 */
public final class ChildProtocol {

    public static final String KIND = "kind";
    public static final String KIND_TASK = "task";
    public static final String KIND_LIST_TYPES = "list-types";
    public static final String KIND_PREPARE = "prepare";
    /** In a prepare request: the handler classes to load. */
    public static final String HANDLERS = "handlers";
    public static final String WORK_DIRECTORY = "workDirectory";
    public static final String HANDLER = "handler";
    /**
     * In a task request: the milliseconds after which the child kills what its task started and ends
     * itself with {@link #OVERDUE_EXIT}, should its supervisor not have stopped it at the timeout;
     * it does so too when the supervisor's pings stop for {@link #SILENCE_MS}.
     */
    public static final String DEADLINE_MS = "deadline_ms";
    /** The exit code of a child that ended itself at its deadline: it says nothing on its way out. */
    public static final int OVERDUE_EXIT = 71;
    /**
     * How often the supervisor writes a byte to a running task's child's stdin, and how long a
     * child goes without one before it ends itself: under the 30 s after which another supervisor
     * takes a silent one's tasks.
     */
    public static final long PING_EVERY_MS = 2000;
    public static final long SILENCE_MS = 20_000;

    public static final String EVENT = "event";
    public static final String STARTED = "started";
    public static final String RESULT = "result";
    public static final String ERROR = "error";
    public static final String TYPES = "types";
    public static final String PREPARED = "prepared";
    public static final String EXIT = "exit";
    public static final String SIGNAL = "signal";
    public static final String PROGRESS = "progress";

    /** True for the events after which the child says nothing more. */
    public static boolean isLast(String event) {
        return RESULT.equals(event) || ERROR.equals(event) || TYPES.equals(event) || PREPARED.equals(event);
    }

    public static final String MESSAGE = "message";
    public static final String TRACE = "trace";
    public static final String NAME = "name";
    public static final String RETRYABLE = "retryable";
    public static final String PERCENT = "percent";
    /** On the last event of a task: what the child has cost, as {@link ChildUsage} reads it. */
    public static final String CPU_MS = "cpu_ms";
    /**
     * On {@code started} and on the last event of a task: the CPU the JVM itself has used so far, without
     * the processes it ran, so that the supervisor sees what the handler cost it (see {@code JitChoice}).
     */
    public static final String JVM_CPU_MS = "jvm_cpu_ms";
    public static final String PEAK_BYTES = "peak_bytes";

    private ChildProtocol() {
    }
}
