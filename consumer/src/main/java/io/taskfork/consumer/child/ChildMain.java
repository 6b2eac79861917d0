package io.taskfork.consumer.child;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.consumer.handlers.EchoHandler;
import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.NonRetryableException;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.Map;
import sun.misc.Signal;

/**
 * The entry point of a child JVM: takes one request from the supervisor, runs it, reports, exits.
 * It loads only the handler API, Jackson and the handlers; it never opens an AMQP or database
 * connection.
 */
public final class ChildMain {

    /** Exit code when the supervisor is gone: the task is redelivered elsewhere, so stop at once. */
    static final int ORPHANED = 70;

    /** Exit code when started without a socket: bad usage. */
    static final int USAGE = 2;

    /**
     * When true, the child runs the task path once on a sample before its request comes, sending
     * nothing, so that the classes a task needs are loaded and initialized ahead: a standby child
     * starts its task sooner, and a child writing the class-data-sharing archive puts them in it.
     */
    static final String REHEARSE_PROPERTY = "taskfork.child.rehearse";

    private static final String REHEARSAL = "{\"kind\":\"task\",\"id\":0,\"type\":\"echo\",\"attempt\":1,"
            + "\"handler\":\"" + EchoHandler.class.getName() + "\","
            + "\"workDirectory\":\".\",\"payload\":{\"text\":\"rehearsal\",\"values\":[1,2.5,true,null]}}";

    private final Object sendLock = new Object();
    private OutputStream toSupervisor;
    // Set once the report is complete, before the socket closes: the end of stdin that follows is
    // the supervisor letting go, not the supervisor dying.
    private volatile boolean reported;

    private ChildMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ChildMain SOCKET (started by the taskfork supervisor)");
            System.exit(USAGE);
        }
        new ChildMain().run(args[0]);
    }

    private void run(String socket) throws IOException {
        watchForOrphaning(System.in);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            toSupervisor = Channels.newOutputStream(channel);
            reportDeath();
            if (Boolean.getBoolean(REHEARSE_PROPERTY)) {
                rehearse();
            }
            BufferedReader fromSupervisor = new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            String line = fromSupervisor.readLine();
            if (line == null) {
                return;
            }
            JsonNode request = ChildJson.parse(line);
            if (ChildProtocol.KIND_LIST_TYPES.equals(request.path(ChildProtocol.KIND).asText())) {
                listTypes();
                reported = true;
            } else {
                runTask(request);
                reported = true;
            }
        }
        System.out.flush();
        System.err.flush();
        killDescendants();
        // halt, not exit: threads a handler left running must not keep this JVM alive.
        Runtime.getRuntime().halt(0);
    }

    private void runTask(JsonNode request) {
        TaskContext context = context(request, this::reportProgress);
        send(event(ChildProtocol.STARTED));
        try {
            TaskHandler handler = handler(request);
            Object result = handler.handle(context);
            ObjectNode done = event(ChildProtocol.RESULT);
            done.set(ChildProtocol.RESULT, ChildJson.toTree(result));
            send(done);
        } catch (Throwable failure) {
            ObjectNode error = event(ChildProtocol.ERROR);
            error.put(ChildProtocol.MESSAGE, describe(failure));
            error.put(ChildProtocol.TRACE, trace(failure));
            error.put(ChildProtocol.RETRYABLE, !(failure instanceof NonRetryableException));
            send(error);
        }
    }

    private static TaskContext context(JsonNode request, io.taskfork.shared.handler.ProgressReporter progress) {
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
            Object result = handler(request).handle(context(request, (percent, message) -> { }));
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
        send(answer);
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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> send(event(ChildProtocol.EXIT)), "report-exit"));
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    ObjectNode dying = event(ChildProtocol.SIGNAL);
                    dying.put(ChildProtocol.NAME, "SIG" + signal.getName());
                    send(dying);
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                });
            } catch (IllegalArgumentException reservedByTheJvm) {
                // such a signal keeps the JVM's own handling, and reads as a signal by its exit code
            }
        }
    }

    /**
     * The supervisor holds our stdin open while it needs us, and closes it once we have closed our
     * socket. Its end before that means the supervisor died. This thread must not outlive the report
     * blocked in a read: HotSpot's exit waits up to 300 ms for a thread in native code.
     */
    private void watchForOrphaning(InputStream stdin) {
        Thread watcher = new Thread(() -> {
            try {
                while (stdin.read() >= 0) {
                    // nothing is sent on stdin; only its end matters
                }
            } catch (IOException e) {
                // a broken stdin means the same as its end
            }
            if (reported) {
                return;
            }
            killDescendants();
            Runtime.getRuntime().halt(ORPHANED);
        }, "orphan-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Whatever the task started, such as an exec command and its own children, ends with it. */
    private static void killDescendants() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
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
