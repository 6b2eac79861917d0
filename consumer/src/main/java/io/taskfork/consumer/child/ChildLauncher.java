package io.taskfork.consumer.child;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.consumer.NamedThreads;
import io.taskfork.shared.config.ChildSettings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts child JVMs, one per request, each in a folder of its own under a private work folder, and
 * keeps track of the live ones so that shutdown can stop them.
 */
public final class ChildLauncher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildLauncher.class);

    private final ChildSettings settings;
    private final ChildCommand command;
    private final Path workFolder;
    private final ExecutorService outputReaders;
    private final ScheduledExecutorService deadlines;
    private final Set<ChildSession> live = ConcurrentHashMap.newKeySet();
    private final Map<Long, ChildSession> byTask = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    public ChildLauncher(ChildSettings settings) {
        this.settings = settings;
        this.command = new ChildCommand(settings);
        this.workFolder = createWorkFolder();
        this.outputReaders = Executors.newCachedThreadPool(NamedThreads.of("child-output", true));
        this.deadlines = Executors.newSingleThreadScheduledExecutor(NamedThreads.of("child-deadline", true));
    }

    /**
     * Runs one task in a fresh child, working in a fresh directory of the task's own, and waits for
     * the child to end (at most the task timeout).
     */
    public ChildExit runTask(Task task, ProgressListener progress) throws IOException, InterruptedException {
        ObjectNode request = Json.MAPPER.createObjectNode()
                .put(ChildProtocol.KIND, ChildProtocol.KIND_TASK)
                .put("id", task.id())
                .put("type", task.type())
                .put("attempt", task.attempts());
        request.set("payload", task.payload());
        Path workDirectory = settings.work().root().resolve(Long.toString(task.id()));
        Folders.deleteTree(workDirectory);
        Files.createDirectories(workDirectory);
        try {
            return run(request, task.id(), workDirectory, progress);
        } finally {
            if (!settings.work().keep()) {
                Folders.deleteTree(workDirectory);
            }
        }
    }

    /**
     * Asks a child which task types its classpath can run, so that the supervisor never loads a
     * handler class itself.
     *
     * @return type name to handler class name
     * @throws ChildStartException when no child can be started, with what the child printed
     */
    public Map<String, String> handlerTypes() throws IOException, InterruptedException {
        ChildExit exit = run(Json.MAPPER.createObjectNode().put(ChildProtocol.KIND, ChildProtocol.KIND_LIST_TYPES),
                null, workFolder, ProgressListener.IGNORE);
        JsonNode types = exit.report().types();
        if (types == null) {
            throw new ChildStartException(exit.exitCode(), exit.log());
        }
        Map<String, String> byType = new TreeMap<>();
        types.fields().forEachRemaining(entry -> byType.put(entry.getKey(), entry.getValue().asText()));
        if (!exit.log().isBlank()) {
            LOG.warn("the child that listed handler types printed: {}", exit.log().strip());
        }
        return byType;
    }

    /**
     * The output of the tasks running now, each with the number of bytes it has seen, for those
     * whose count differs from {@code seen} (task ID to the count last looked at).
     */
    public Map<Long, LiveOutput> outputsChangedSince(Map<Long, Long> seen) {
        Map<Long, LiveOutput> changed = new java.util.HashMap<>();
        byTask.forEach((taskId, session) -> session.output().ifPresent(capture -> {
            long total = capture.total();
            if (total != seen.getOrDefault(taskId, 0L)) {
                changed.put(taskId, new LiveOutput(total, capture.text()));
            }
        }));
        return changed;
    }

    /** A running task's output so far: {@code text} is bounded as its log will be. */
    public record LiveOutput(long total, String text) {
    }

    /** The IDs of the tasks whose children are alive now. */
    public java.util.Set<Long> runningTaskIds() {
        return java.util.Set.copyOf(byTask.keySet());
    }

    /** Children alive now. */
    public int running() {
        return live.size();
    }

    /** Kills every live child and its descendants; their runs end stopped by {@link StopReason#SHUTDOWN}. */
    public void abandonAll() {
        live.forEach(session -> session.stop(StopReason.SHUTDOWN));
    }

    /** Kills the child of a cancelled task, with its descendants; true if one was running. */
    public boolean cancel(long taskId) {
        ChildSession session = byTask.get(taskId);
        if (session == null) {
            return false;
        }
        session.stop(StopReason.CANCEL);
        return true;
    }

    @Override
    public void close() {
        abandonAll();
        deadlines.shutdownNow();
        outputReaders.shutdownNow();
        try {
            Folders.deleteTree(workFolder);
        } catch (IOException e) {
            // a leftover folder in the temporary directory harms nothing
        }
    }

    private ChildExit run(JsonNode request, Long taskId, Path workDirectory, ProgressListener progress)
            throws IOException, InterruptedException {
        ChildSession session = new ChildSession(this, workFolder.resolve("c" + sequence.incrementAndGet()), request,
                workDirectory, progress);
        live.add(session);
        if (taskId != null) {
            byTask.put(taskId, session);
        }
        try {
            return session.run();
        } finally {
            live.remove(session);
            if (taskId != null) {
                byTask.remove(taskId, session);
            }
        }
    }

    ChildCommand command() {
        return command;
    }

    int logLimit() {
        return settings.logLimit();
    }

    Future<?> drain(LogCapture capture, InputStream output) {
        return outputReaders.submit(() -> {
            capture.consume(output);
            return null;
        });
    }

    Future<?> afterTimeout(Runnable action) {
        return deadlines.schedule(action, settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    // Socket paths are limited to about 100 bytes, so the folder lives under a short temporary path.
    private static Path createWorkFolder() {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            if (base.toString().length() > 40) {
                base = Path.of("/tmp");
            }
            return Files.createTempDirectory(base, "taskfork-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work folder for children", e);
        }
    }
}
