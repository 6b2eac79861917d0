package io.taskfork.consumer.supervisor.launch;

import io.taskfork.consumer.child.ChildMain;
import io.taskfork.consumer.child.ChildProtocol;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.shared.config.ChildSettings;
import io.taskfork.shared.config.TaskMemory;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.Task;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts child JVMs, one per request, each in a folder of its own under a private work folder, and
 * keeps track of the live ones so that shutdown can stop them.
 *
 * <p>With standby on, it keeps children started ahead: each has paid for its JVM start and waits,
 * connected, for the one task it will run, so that a task starts in milliseconds. A standby child
 * still runs exactly one task and exits.
 */
public final class ChildLauncher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildLauncher.class);
    // Tells a child to rehearse its task path before its request comes: one writing the archive
    // (which then holds the classes a task needs, not only those of start-up), and a standby child
    // unless its request is waiting already.
    private static final String REHEARSE = "-D" + ChildMain.REHEARSE_PROPERTY + "=true";
    private static final String REHEARSE_UNLESS_ASKED = "-D" + ChildMain.REHEARSE_PROPERTY + "="
            + ChildMain.REHEARSE_UNLESS_ASKED;

    private final ChildSettings settings;
    private final ChildCommand command;
    private final ArchiveUse archive;
    private final Path workFolder;
    private final SessionServices services;
    private final StandbyChildren standby;
    private final JitChoice jit;
    private final LiveChildren live = new LiveChildren();
    // One for the JVM: the standby folders in the shared work root are named by the process ID and
    // this number, and two supervisors in one JVM (an application that embeds them) share the ID.
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private volatile Map<String, String> handlerClasses = Map.of();

    /**
     * @param standby        how many children to keep started ahead; 0 starts each child when its task comes
     * @param memoryCapBytes the most memory a task's processes may hold together; 0 for no cap
     */
    public ChildLauncher(ChildSettings settings, int standby, long memoryCapBytes) {
        this.settings = settings;
        Containment containment = Containment.detect(settings.startup().containment());
        LOG.info("containment: {}", containment.description());
        Optional<MemoryWatch> memory = memoryCapBytes > 0
                ? Optional.of(new MemoryWatch(memoryCapBytes, containment)) : Optional.empty();
        LOG.info("memory cap: {}", memoryCapBytes > 0 ? (memoryCapBytes >> 20) + " MiB per task, over all its"
                + " processes, looked at every " + MemoryWatch.PERIOD_MS + " ms" : "off");
        TaskMemory.tightFor(memoryCapBytes, settings.heap()).ifPresent(LOG::warn);
        NewerJdk.hintOnce(Path.of(System.getProperty("java.home")), settings.java());
        this.jit = new JitChoice(settings.startup().jit());
        LOG.info("child JIT: {}", jit.description());
        this.command = new ChildCommand(settings, containment, memoryCapBytes);
        this.workFolder = Leftovers.sweepAndCreateFolder(settings.work().root());
        this.archive = new ArchiveUse(command, workFolder, this::handlerPathNow);
        this.services = new SessionServices(settings, command, memory,
                ChildCgroups.open(settings.startup().processes(), memoryCapBytes,
                        containment.byChildInit() ? Containment.childInit() : Optional.empty()));
        this.standby = new StandbyChildren(standby, this::startStandby, this::handlerPathNow,
                ArchiveUse.JVM_START_WITHIN);
    }

    /**
     * Runs one task in a fresh child, a standby one when one is waiting, working in a fresh directory
     * of the task's own, and waits for the child to end (at most the task timeout).
     *
     * @throws ChildNotStartedException when nothing of the task ran: no child could be given it
     */
    public ChildExit runTask(Task task, ProgressListener progress) throws IOException, InterruptedException {
        Path workDirectory = settings.work().root().resolve(Long.toString(task.id()));
        boolean c1 = jit.forTask(task.type());
        // Read once: which standby child is stale, and whether a child of its own may map the archive.
        HandlerPathStamp now = handlerPathNow();
        Optional<ChildSession> waiting = standby.take(now, child -> c1 || !child.c1Only());
        ChildSession session;
        Path link = null;
        try {
            if (waiting.isPresent()) {
                session = waiting.get();
                link = session.directory();
                try {
                    session.moveTo(workDirectory);
                } catch (IOException e) {
                    session.discardQuietly();
                    throw e;
                }
            } else {
                Folders.makeFresh(workDirectory);
                session = newSession(workDirectory);
                session.start(jit.with(archive.flags(now), c1));
            }
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException | UncheckedIOException e) {
            throw new ChildNotStartedException(e);
        }
        // The handler is always known: the claim takes only tasks of the types the children listed.
        ObjectNode request = TaskRequest.of(task, workDirectory, handlerClasses.get(task.type()), settings.timeout());
        try {
            ChildExit exit = live.run(session, request, task.id(), progress);
            jit.record(task.type(), exit.report().handlerCpuMillis());
            return exit;
        } finally {
            if (link != null) {
                // java.io's delete unlinks at once; Files.deleteIfExists first asks what the path is
                link.toFile().delete();
            }
            if (!settings.work().keep()) {
                Folders.deleteAfterTask(workDirectory);
            }
        }
    }

    /**
     * Asks a child which task types its classpath can run, so that the supervisor never loads a
     * handler class itself. When the children's class-data-sharing archive is missing, another
     * child then writes it. Standby children start afterwards.
     *
     * @return type name to handler class name
     * @throws ChildStartException when no child can be started, with what the child printed
     */
    public Map<String, String> handlerTypes() throws IOException, InterruptedException {
        archive.check();
        ChildExit exit = runAlone(archive.flags(handlerPathNow()),
                Json.MAPPER.createObjectNode().put(ChildProtocol.KIND, ChildProtocol.KIND_LIST_TYPES));
        JsonNode types = exit.report().types();
        if (types == null) {
            // a wrapper script around a java is no JDK's either, but one that works is never asked
            throw new ChildStartException(exit.exitCode(), exit.log(), NewerJdk.noJdksJava(settings.java()));
        }
        if (!exit.log().isBlank()) {
            LOG.warn("the child that listed handler types printed: {}", exit.log().strip());
        }
        Map<String, String> byType = new TreeMap<>();
        types.fields().forEachRemaining(entry -> byType.put(entry.getKey(), entry.getValue().asText()));
        handlerClasses = Map.copyOf(byType);
        archive.writeIfMissing(byType.values(), REHEARSE, this::runAlone);
        standby.fill();
        return byType;
    }

    /** A child of no task, in the work folder, that answers {@code request}. */
    private ChildExit runAlone(List<String> flags, JsonNode request) throws IOException, InterruptedException {
        ChildSession session = newSession(workFolder);
        live.startAlone(session, flags);
        return live.run(session, request, null, ProgressListener.IGNORE);
    }

    /**
     * The output of the tasks running now, each with the number of bytes it has seen, for those
     * whose count differs from {@code seen} (task ID to the count last looked at).
     */
    public Map<Long, LiveOutput> outputsChangedSince(Map<Long, Long> seen) {
        return live.outputsChangedSince(seen);
    }

    /**
     * A running task's output so far, bounded as its log will be: its text is made when asked for,
     * one task's at a time, since at a large log limit each copy counts in the supervisor's heap.
     */
    public record LiveOutput(long total, Supplier<String> text) {
    }

    /** The IDs of the tasks whose children are alive now. */
    public Set<Long> runningTaskIds() {
        return live.taskIds();
    }

    /** Children alive now, running a task. */
    public int running() {
        return live.runningTasks();
    }

    /** Children started ahead and waiting for a task. */
    public int standby() {
        return standby.size();
    }

    /** Kills every live child and its descendants; their runs end stopped by {@link StopReason#SHUTDOWN}. */
    public void abandonAll() {
        live.stopAll(StopReason.SHUTDOWN);
    }

    /**
     * Kills the child of a cancelled task, with its descendants, running {@code beforeKill} first if
     * its process is alive; true if the task had a child here, started or not.
     */
    public boolean cancel(long taskId, Runnable beforeKill) {
        return live.stop(taskId, StopReason.CANCEL, beforeKill);
    }

    /** Kills the children waiting for a task and those still running, and removes their folders. */
    @Override
    public void close() {
        live.close();
        standby.close();
        archive.close();
        abandonAll();
        services.close();
        try {
            Folders.deleteTree(workFolder);
        } catch (IOException e) {
            // a leftover folder in the temporary directory harms nothing
        }
    }

    /** The handler path's stamp as it is now: a stat of each of its entries. */
    private HandlerPathStamp handlerPathNow() {
        return HandlerPathStamp.of(settings.handlerPath());
    }

    private ChildSession newSession(Path directory) {
        return new ChildSession(services, JvmMarkers.of(workFolder, "c" + SEQUENCE.incrementAndGet()), directory);
    }

    /** A child that waits for its task, in a directory of its own in the work root. */
    private ChildSession startStandby(HandlerPathStamp startedOn) throws IOException {
        // In the work root, so that the rename to the task's directory never crosses file systems.
        Path directory = settings.work().root().resolve(
                Leftovers.owned(Leftovers.STANDBY_PREFIX) + SEQUENCE.incrementAndGet());
        Files.createDirectories(directory);
        ChildSession session = newSession(directory);
        List<String> flags = new ArrayList<>(jit.with(archive.flags(startedOn), jit.forStandby()));
        flags.add(REHEARSE_UNLESS_ASKED);
        try {
            session.start(flags);
        } catch (IOException | RuntimeException e) {
            Folders.deleteTree(directory);
            throw e;
        }
        return session;
    }
}
