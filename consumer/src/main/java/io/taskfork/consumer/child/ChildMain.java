package io.taskfork.consumer.child;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.consumer.child.handlers.EchoHandler;
import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.NonRetryableException;
import io.taskfork.shared.handler.ProgressReporter;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The entry point of a child JVM: takes one request from the supervisor, runs it, reports, exits.
 * It loads only the handler API, Jackson and the handlers; it never opens an AMQP or database
 * connection.
 *
 * <p>Its code uses anonymous classes where lambdas would do, because the first lambda a JVM meets
 * costs it about 20 ms of CPU spinning method handles for the bootstrap, which no class-data
 * sharing archive of ours keeps; an anonymous class is a plain class, loaded from the archive.
 */
public final class ChildMain {

    /** Exit code when the supervisor is gone: the task is redelivered elsewhere, so stop at once. */
    static final int ORPHANED = 70;

    /** Exit code when started without a path for its events: bad usage. */
    public static final int USAGE = 2;

    /**
     * When true, the child runs the task path once on a sample before its request comes, sending
     * nothing, so that the classes a task needs are loaded and initialized ahead: a standby child
     * starts its task sooner, and a child writing the class-data-sharing archive puts them in it.
     */
    public static final String REHEARSE_PROPERTY = "taskfork.child.rehearse";

    private static final String REHEARSAL = "{\"kind\":\"task\",\"id\":0,\"type\":\"echo\",\"attempt\":1,"
            + "\"handler\":\"" + EchoHandler.class.getName() + "\","
            + "\"workDirectory\":\".\",\"payload\":{\"text\":\"rehearsal\",\"values\":[1,2.5,true,null]}}";

    private final Object sendLock = new Object();
    private OutputStream toSupervisor;
    // Set before the last event of the report is sent: the end of stdin that follows is the
    // supervisor letting go, not the supervisor dying.
    private volatile boolean reported;

    private ChildMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ChildMain EVENTS (started by the taskfork supervisor, with its request on stdin)");
            System.exit(USAGE);
        }
        new ChildMain().run(args[0]);
    }

    /**
     * Plain file streams, not a socket: a socket costs a fresh JVM about 40 ms of CPU to set up
     * (NIO, and the SecureRandom a Unix domain socket seeds), two thirds of a bare JVM start.
     */
    private void run(String events) throws IOException {
        try (OutputStream out = new FileOutputStream(events)) {
            toSupervisor = out;
            reportDeath();
            if (Boolean.getBoolean(REHEARSE_PROPERTY)) {
                rehearse();
            }
            byte[] line = readLine(System.in);
            if (line == null) {
                // the supervisor went away, or let a standby child go, before sending a request
                Runtime.getRuntime().halt(ORPHANED);
            }
            watchForOrphaning(System.in);
            JsonNode request = ChildJson.parse(new String(line, StandardCharsets.UTF_8));
            if (ChildProtocol.KIND_LIST_TYPES.equals(request.path(ChildProtocol.KIND).asText())) {
                listTypes();
            } else {
                runTask(request);
            }
        }
        System.out.flush();
        System.err.flush();
        killDescendants();
        // halt, not exit: threads a handler left running must not keep this JVM alive.
        Runtime.getRuntime().halt(0);
    }

    /** The request: the first line of stdin, or null when stdin ends first. */
    private static byte[] readLine(InputStream stdin) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = stdin.read()) != '\n') {
            if (b < 0) {
                return null;
            }
            line.write(b);
        }
        return line.toByteArray();
    }

    private void runTask(JsonNode request) {
        TaskContext context = context(request, new ProgressReporter() {
            @Override
            public void report(int percent, String message) {
                reportProgress(percent, message);
            }
        });
        send(event(ChildProtocol.STARTED));
        try {
            TaskHandler handler = handler(request);
            Object result = handler.handle(context);
            ObjectNode done = event(ChildProtocol.RESULT);
            done.set(ChildProtocol.RESULT, ChildJson.toTree(result));
            sendLast(withUsage(done));
        } catch (Throwable failure) {
            ObjectNode error = event(ChildProtocol.ERROR);
            error.put(ChildProtocol.MESSAGE, describe(failure));
            error.put(ChildProtocol.TRACE, trace(failure));
            error.put(ChildProtocol.RETRYABLE, !(failure instanceof NonRetryableException));
            sendLast(withUsage(error));
        }
    }

    private static ObjectNode withUsage(ObjectNode event) {
        event.put(ChildProtocol.CPU_MS, ChildUsage.cpuMillis());
        event.put(ChildProtocol.PEAK_BYTES, ChildUsage.peakBytes());
        return event;
    }

    private static TaskContext context(JsonNode request, ProgressReporter progress) {
        JsonNode workDirectory = request.path(ChildProtocol.WORK_DIRECTORY);
        return new ChildTaskContext(request.path("id").asLong(), request.path("attempt").asInt(1),
                request.path("payload"),
                workDirectory.isTextual() ? Path.of(workDirectory.asText()).toAbsolutePath() : Path.of("").toAbsolutePath(),
                progress);
    }

    /** The task path on a sample, with the echo handler named as the supervisor names handlers, and nothing sent. */
    private static void rehearse() {
        try {
            JsonNode request = ChildJson.parse(REHEARSAL);
            Object result = handler(request).handle(context(request, new ProgressReporter() {
                @Override
                public void report(int percent, String message) {
                    // a rehearsal reports nothing
                }
            }));
            ObjectNode done = event(ChildProtocol.RESULT);
            done.set(ChildProtocol.RESULT, ChildJson.toTree(result));
            ChildJson.line(done);
        } catch (Throwable failure) {
            // a rehearsal only saves time; the real request meets any such failure again and reports it
        }
    }

    /**
     * The handler of a request, by the class the supervisor names: it learned the class from this
     * same classpath, which spares the child a search of every jar's service files. Only that class
     * is initialized: another handler's failing initializer harms no one.
     */
    private static TaskHandler handler(JsonNode request) throws Throwable {
        JsonNode className = request.path(ChildProtocol.HANDLER);
        if (!className.isTextual()) {
            throw new IllegalStateException("no handler for type " + request.path("type").asText());
        }
        Class<? extends TaskHandler> type = Class.forName(className.asText(), true, ClassLoader.getSystemClassLoader())
                .asSubclass(TaskHandler.class);
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private void listTypes() {
        Map<String, String> types = new TreeMap<>();
        ServiceLoader<TaskHandler> loader = ServiceLoader.load(TaskHandler.class);
        for (Iterator<ServiceLoader.Provider<TaskHandler>> providers = loader.stream().iterator(); providers.hasNext();) {
            try {
                ServiceLoader.Provider<TaskHandler> provider = providers.next();
                types.put(typeOf(provider), provider.type().getName());
            } catch (Throwable broken) {
                // a jar or class that cannot be read: its types are unknown, the others still listed
                System.err.println("a handler cannot be loaded: " + describe(broken));
            }
        }
        ObjectNode answer = event(ChildProtocol.TYPES);
        answer.set(ChildProtocol.TYPES, ChildJson.toTree(types));
        sendLast(answer);
    }

    // The annotation is read without initializing the class; only an unannotated handler is created to ask.
    private static String typeOf(ServiceLoader.Provider<TaskHandler> provider) {
        TaskType annotation = provider.type().getAnnotation(TaskType.class);
        return annotation != null ? annotation.value() : provider.get().type();
    }

    private void reportProgress(int percent, String message) {
        ObjectNode progress = event(ChildProtocol.PROGRESS);
        progress.put(ChildProtocol.PERCENT, Math.max(0, Math.min(100, percent)));
        progress.put(ChildProtocol.MESSAGE, message);
        send(progress);
    }

    /**
     * Tells the supervisor how this JVM is dying when it dies on its own terms: System.exit runs
     * shutdown hooks, and TERM, INT and HUP are taken over so that a signal is reported as one.
     * Without this, System.exit(137) and a SIGKILL would both read as exit code 137.
     */
    private void reportDeath() {
        Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
            @Override
            public void run() {
                send(event(ChildProtocol.EXIT));
            }
        }, "report-exit"));
        SignalHandler reportSignal = new SignalHandler() {
            @Override
            public void handle(Signal signal) {
                ObjectNode dying = event(ChildProtocol.SIGNAL);
                dying.put(ChildProtocol.NAME, "SIG" + signal.getName());
                send(dying);
                Runtime.getRuntime().halt(128 + signal.getNumber());
            }
        };
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            try {
                Signal.handle(new Signal(name), reportSignal);
            } catch (IllegalArgumentException reservedByTheJvm) {
                // such a signal keeps the JVM's own handling, and reads as a signal by its exit code
            }
        }
    }

    /**
     * The supervisor holds our stdin open while it needs us, and closes it once it has read the last
     * event of our report. Its end before that means the supervisor died. This thread must not
     * outlive the report blocked in a read: HotSpot's exit waits up to 300 ms for a thread in native code.
     */
    private void watchForOrphaning(InputStream stdin) {
        Thread watcher = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    while (stdin.read() >= 0) {
                        // nothing more is sent on stdin; only its end matters
                    }
                } catch (IOException e) {
                    // a broken stdin means the same as its end
                }
                if (reported) {
                    return;
                }
                killDescendants();
                Runtime.getRuntime().halt(ORPHANED);
            }
        }, "orphan-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Whatever the task started, such as an exec command and its own children, ends with it. */
    private static void killDescendants() {
        if (!hasChildren()) {
            return;
        }
        for (Iterator<ProcessHandle> descendants = ProcessHandle.current().descendants().iterator(); descendants.hasNext();) {
            descendants.next().destroyForcibly();
        }
    }

    /**
     * Whether this JVM has a child process, by the kernel's list of each thread's children. Listing
     * descendants would initialize ProcessHandle, whose lambdas cost a fresh JVM milliseconds; most
     * tasks start no process. Without such lists (an older kernel) the answer is yes, to be safe.
     */
    private static boolean hasChildren() {
        String[] threads = new File("/proc/self/task").list();
        if (threads == null) {
            return true;
        }
        for (String thread : threads) {
            try (FileInputStream children = new FileInputStream("/proc/self/task/" + thread + "/children")) {
                if (children.read() >= 0) {
                    return true;
                }
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    /** Sends the report's last event: the supervisor stops reading after it and lets go of stdin. */
    private void sendLast(ObjectNode message) {
        reported = true;
        send(message);
    }

    private void send(ObjectNode message) {
        synchronized (sendLock) {
            try {
                toSupervisor.write(ChildJson.line(message));
                toSupervisor.flush();
            } catch (IOException e) {
                // the supervisor is gone; the orphan watch ends this JVM
            }
        }
    }

    private static ObjectNode event(String name) {
        return JsonNodeFactory.instance.objectNode().put(ChildProtocol.EVENT, name);
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getName() + (message == null ? "" : ": " + message);
    }

    private static String trace(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
