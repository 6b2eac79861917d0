package io.taskfork.consumer.child;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.NonRetryableException;
import io.taskfork.shared.handler.ProgressReporter;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.Map;

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

    /** Exit code when started without a path for its events: bad usage. */
    public static final int USAGE = 2;

    /**
     * When true, the child runs the task path once on a sample before its request comes, sending
     * nothing, so that the classes a task needs are loaded and initialized ahead: a child writing
     * the class-data-sharing archive puts them in it. When {@link #REHEARSE_UNLESS_ASKED}, as for a
     * standby child, only if its request is not waiting yet: it then starts its task sooner, while
     * under a backlog, when its request comes before the JVM is up, a rehearsal would only add to
     * the task's CPU.
     */
    public static final String REHEARSE_PROPERTY = "taskfork.child.rehearse";
    public static final String REHEARSE_UNLESS_ASKED = "unless-asked";

    private static final String REHEARSAL = "{\"kind\":\"task\",\"id\":0,\"type\":\"echo\",\"attempt\":1,"
            // by name, not by class literal: without an archive that holds it, only a rehearsal loads it
            + "\"handler\":\"io.taskfork.consumer.child.handlers.EchoHandler\","
            + "\"workDirectory\":\".\",\"payload\":{\"text\":\"rehearsal\",\"values\":[1,2.5,true,null]}}";

    private final EventPipe events;

    private ChildMain(EventPipe events) {
        this.events = events;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ChildMain EVENTS (started by the taskfork supervisor, with its request on stdin)");
            System.exit(USAGE);
        }
        // A plain file stream, not a socket: a socket costs a fresh JVM about 40 ms of CPU to set up
        // (NIO, and the SecureRandom a Unix domain socket seeds), two thirds of a bare JVM start.
        // Appended to, not cut: EVENTS is the supervisor's pipe (/proc/self/fd/3); a child started by
        // hand with fd 3 left to chance writes after whatever file the JVM had opened there, where it
        // would have emptied it.
        try (OutputStream out = new FileOutputStream(args[0], true)) {
            new ChildMain(new EventPipe(out)).run();
        }
        System.out.flush();
        System.err.flush();
        Lifelines.endWithTheTask();
        // halt, not exit: threads a handler left running must not keep this JVM alive.
        Runtime.getRuntime().halt(0);
    }

    /** Takes the request from stdin and answers it. */
    private void run() throws IOException {
        Lifelines lifelines = new Lifelines(events);
        lifelines.reportDeath();
        String rehearsal = System.getProperty(REHEARSE_PROPERTY, "false");
        if (rehearsal.equals("true") || (rehearsal.equals(REHEARSE_UNLESS_ASKED) && System.in.available() == 0)) {
            rehearse();
        }
        lifelines.watchForOrphaning(System.in);
        byte[] line = readLine(System.in);
        if (line == null) {
            // the supervisor went away, or let a standby child go, before sending a request
            Runtime.getRuntime().halt(Lifelines.ORPHANED);
        }
        lifelines.requestRead();
        // The rest of stdin is the orphan watch's; a handler that reads System.in meets its end at
        // once instead of waiting, until its timeout, for bytes the supervisor never sends there.
        System.setIn(InputStream.nullInputStream());
        JsonNode request = ChildJson.parse(new String(line, StandardCharsets.UTF_8));
        String kind = request.path(ChildProtocol.KIND).asText();
        if (ChildProtocol.KIND_LIST_TYPES.equals(kind)) {
            listTypes();
        } else if (ChildProtocol.KIND_PREPARE.equals(kind)) {
            prepare(request);
        } else {
            if (request.has(ChildProtocol.DEADLINE_MS)) {
                lifelines.keepDeadline(request.get(ChildProtocol.DEADLINE_MS).asLong());
            }
            runTask(request, events);
        }
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

    /** Runs the request's handler, its events sent to {@code pipe}. */
    private static void runTask(JsonNode request, EventPipe pipe) {
        TaskContext context = context(request, new ProgressReporter() {
            @Override
            public void report(int percent, String message) {
                ObjectNode progress = EventPipe.event(ChildProtocol.PROGRESS);
                progress.put(ChildProtocol.PERCENT, Math.max(0, Math.min(100, percent)));
                progress.put(ChildProtocol.MESSAGE, message);
                pipe.send(progress);
            }
        });
        pipe.send(EventPipe.event(ChildProtocol.STARTED).put(ChildProtocol.JVM_CPU_MS, ChildUsage.cpu().ownMillis()));
        try {
            TaskHandler handler = HandlerInstance.of(request);
            Object result = handler.handle(context);
            ObjectNode done = EventPipe.event(ChildProtocol.RESULT);
            byte[] line;
            try {
                done.set(ChildProtocol.RESULT, ChildJson.toTree(result));
                // Written here, not in the pipe: a tree can be built that cannot be written (nested deeper
                // than the generator allows), and that is the result's fault too.
                line = ChildJson.line(withUsage(done));
            } catch (RuntimeException | StackOverflowError unwritable) {
                // (a stack overflow: an object of the handler's own that holds itself, which databind
                // walks) The same handler returns the same kind of object next time: no attempt would
                // fare better.
                sendError(pipe, unwritable, "the handler's result cannot be written as JSON: " + describe(unwritable),
                        false);
                return;
            }
            pipe.sendLast(line);
        } catch (Throwable failure) {
            sendError(pipe, failure, describe(failure), !(failure instanceof NonRetryableException));
        }
    }

    private static void sendError(EventPipe pipe, Throwable failure, String message, boolean retryable) {
        ObjectNode error = EventPipe.event(ChildProtocol.ERROR);
        error.put(ChildProtocol.MESSAGE, message);
        error.put(ChildProtocol.TRACE, trace(failure));
        error.put(ChildProtocol.RETRYABLE, retryable);
        pipe.sendLast(withUsage(error));
    }

    private static ObjectNode withUsage(ObjectNode event) {
        ChildUsage.Cpu cpu = ChildUsage.cpu();
        event.put(ChildProtocol.CPU_MS, cpu.withChildrenMillis());
        event.put(ChildProtocol.JVM_CPU_MS, cpu.ownMillis());
        event.put(ChildProtocol.PEAK_BYTES, ChildUsage.peakBytes());
        return event;
    }

    private static TaskContext context(JsonNode request, ProgressReporter progress) {
        JsonNode workDirectory = request.path(ChildProtocol.WORK_DIRECTORY);
        return new ChildTaskContext(request.path("id").asLong(), request.path("attempt").asInt(1),
                request.path("payload"), new File(workDirectory.isTextual() ? workDirectory.asText() : "").getAbsolutePath(),
                progress);
    }

    /**
     * The task path on a sample, with the echo handler named as the supervisor names handlers: the
     * same code as a task's, so that every class a task needs is loaded (and archived) ahead. Its
     * events go nowhere.
     */
    private static void rehearse() {
        try {
            runTask(ChildJson.parse(REHEARSAL), new EventPipe(OutputStream.nullOutputStream()));
        } catch (Throwable failure) {
            // a rehearsal only saves time; the real request meets any such failure again and reports it
        }
    }

    /**
     * The handler of a request, by the class the supervisor names: it learned the class from this
     * same classpath, which spares the child a search of every jar's service files. Only that class
     * is initialized: another handler's failing initializer harms no one.
     */
    /**
     * Loads the handler classes of a prepare request without initializing them, for the child that
     * writes the archive: with its rehearsal, that is what a task loads, and no more. Listing the
     * types would also put the service loader and the annotation parser into the archive, which a
     * JDK 25 child loads in full at every start.
     */
    private void prepare(JsonNode request) {
        for (JsonNode name : request.path(ChildProtocol.HANDLERS)) {
            try {
                Class.forName(name.asText(), false, ClassLoader.getSystemClassLoader());
            } catch (Throwable broken) {
                // a class that cannot be loaded: its tasks fail, and say why, as they would without an archive
            }
        }
        events.sendLast(EventPipe.event(ChildProtocol.PREPARED));
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
        ObjectNode answer = EventPipe.event(ChildProtocol.TYPES);
        answer.set(ChildProtocol.TYPES, ChildJson.toTree(types));
        events.sendLast(answer);
    }

    // The annotation is read without initializing the class; only an unannotated handler is created to ask.
    private static String typeOf(ServiceLoader.Provider<TaskHandler> provider) {
        TaskType annotation = provider.type().getAnnotation(TaskType.class);
        return annotation != null ? annotation.value() : provider.get().type();
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
