package io.taskfork.consumer.supervisor.launch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.consumer.NamedThreads;
import io.taskfork.consumer.child.ChildMain;
import io.taskfork.consumer.child.ChildProtocol;
import io.taskfork.shared.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the children use their class-data-sharing archive, when the JVM has one for them: checked
 * once at start and written again when it is damaged or stale, written by a child of its own when
 * it is missing, and named to every child after that; written again in the background when a jar
 * of the handler path changes while the supervisor runs.
 */
final class ArchiveUse {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveUse.class);
    // A JVM that has not started and exited within this never will.
    static final Duration JVM_START_WITHIN = Duration.ofSeconds(30);

    private final ChildCommand command;
    private final Path workFolder;
    // The handler path as it is now, and the archive for the classpath as it is now: read again
    // when a jar of the handler path changes while the supervisor runs.
    private final Supplier<HandlerPathStamp> handlerPath;
    private final Supplier<Optional<ChildArchive>> archiveNow;
    // The archive children map, and the handler path it was written for. The JVM's own check of an
    // archived jar takes its size and its time to the second: a jar renamed over the old one within
    // the second, of the same size, would pass it, and children would run the old classes.
    private volatile Archived current;
    // What a writer needs, known once the types are listed: until then no archive is written again.
    private volatile Writer writer;
    private final AtomicBoolean renewing = new AtomicBoolean();
    private volatile boolean closed;
    private final ExecutorService renewals =
            Executors.newSingleThreadExecutor(NamedThreads.of("child-archive", true));

    /** The archive children map while the handler path is {@code stamp}; none when it is empty. */
    private record Archived(Optional<ChildArchive> archive, HandlerPathStamp stamp) {
    }

    /** The handlers a writer loads, the flag that makes it rehearse a task, and how it is run. */
    private record Writer(Collection<String> handlers, String rehearse, Child child) {
    }

    /** Starts a child with {@code flags} added, hands it {@code request} and waits for its end. */
    interface Child {
        ChildExit run(List<String> flags, JsonNode request) throws IOException, InterruptedException;
    }

    /** @param handlerPath the handler path's stamp as it is now; read at once for the start's archive */
    ArchiveUse(ChildCommand command, Path workFolder, Supplier<HandlerPathStamp> handlerPath) {
        this(command::archive, command, workFolder, handlerPath);
    }

    ArchiveUse(Supplier<Optional<ChildArchive>> archiveNow, ChildCommand command, Path workFolder,
            Supplier<HandlerPathStamp> handlerPath) {
        this.archiveNow = archiveNow;
        this.command = command;
        this.workFolder = workFolder;
        this.handlerPath = handlerPath;
        this.current = new Archived(archiveNow.get(), handlerPath.get());
    }

    /**
     * The flags that map the archive, when there is one for the handler path as {@code now} says it
     * is. When a jar of it changed since the archive was written, none, and an archive for the new
     * jars is written in the background (once the types are listed), by a child of its own as at
     * the start; children started after it is taken map it.
     */
    List<String> flags(HandlerPathStamp now) {
        Archived archived = current;
        if (!now.equals(archived.stamp())) {
            renewSoon();
            return List.of();
        }
        return archived.archive().map(ChildArchive::useFlags).orElse(List.of());
    }

    /** Discards an archive that a JVM cannot start with: {@link #flags(HandlerPathStamp)} then names none. */
    void check() {
        current.archive().ifPresent(this::check);
    }

    private void check(ChildArchive archive) {
        if (archive.exists() && !usable(archive, archive.file())) {
            LOG.warn("the children's class-data-sharing archive {} is damaged or stale: writing it again",
                    archive.file());
            archive.discard();
        }
    }

    /**
     * Writes a missing archive with a child of its own, which rehearses a task ({@code rehearse})
     * and loads the classes of {@code handlers}, without initializing them, before it exits: the
     * archive then holds what a task loads, and not what listing the types loads (the service
     * loader, the annotation parser), which a JDK 25 child would load at every start. The archives
     * written after a jar changes are written the same way.
     */
    void writeIfMissing(Collection<String> handlers, String rehearse, Child child) throws InterruptedException {
        Writer first = new Writer(List.copyOf(handlers), rehearse, child);
        Optional<ChildArchive> archive = current.archive();
        if (archive.isPresent()) {
            writeIfMissing(archive.get(), first);
        }
        writer = first;
    }

    private void writeIfMissing(ChildArchive archive, Writer writer) throws InterruptedException {
        if (archive.exists()) {
            return;
        }
        Path draft;
        try {
            draft = archive.draft();
        } catch (IOException e) {
            LOG.warn("children start without a class-data-sharing archive: cannot write one in {}: {}",
                    archive.file().getParent(), e.toString());
            return;
        }
        long started = System.nanoTime();
        List<String> flags = new ArrayList<>(archive.writeFlags(draft));
        flags.add(writer.rehearse());
        ObjectNode request = Json.MAPPER.createObjectNode().put(ChildProtocol.KIND, ChildProtocol.KIND_PREPARE);
        writer.handlers().forEach(request.putArray(ChildProtocol.HANDLERS)::add);
        ChildExit exit = null;
        try {
            exit = writer.child().run(flags, request);
        } catch (IOException | RuntimeException e) {
            // the types are known and children run without an archive: the supervisor starts anyway
            LOG.warn("children start without a class-data-sharing archive: the child that writes it did not run: {}",
                    e.toString());
        } finally {
            if (exit == null) {
                archive.discardDraft(draft);
            }
        }
        if (closed) {
            // the supervisor is stopping and has killed the writer: nothing to say
            archive.discardDraft(draft);
        } else if (exit != null) {
            adopt(archive, draft, started, exit.log());
        }
    }

    /** Has the archive for the changed handler path written, on the renewal thread, unless it is at it. */
    private void renewSoon() {
        if (writer != null && renewing.compareAndSet(false, true)) {
            try {
                renewals.execute(this::renew);
            } catch (RejectedExecutionException stopping) {
                // the supervisor is stopping: children start without an archive until the next start
            }
        }
    }

    /**
     * Writes the archive for the handler path as it is now. It is taken only if the path did not
     * change while it was written: then children of that path map it, or, when none could be
     * written, start without one until the path changes again. After a change meanwhile, the next
     * child started asks for another.
     */
    private void renew() {
        try {
            HandlerPathStamp before = handlerPath.get();
            if (closed || before.equals(current.stamp())) {
                return;
            }
            LOG.info("a jar of TASKFORK_HANDLER_PATH changed: children start without a class-data-sharing archive"
                    + " until one for the new jars is written");
            Optional<ChildArchive> archive = archiveNow.get();
            if (archive.isPresent()) {
                check(archive.get());
                writeIfMissing(archive.get(), writer);
            }
            if (handlerPath.get().equals(before)) {
                current = new Archived(archive.filter(ChildArchive::exists), before);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("children start without a class-data-sharing archive: cannot write one for the changed"
                    + " handler path: {}", e.toString());
        } finally {
            renewing.set(false);
        }
    }

    /**
     * Writes no more archives. A writer running now is a live child, which the launcher kills next;
     * what it leaves is removed without a word.
     */
    void close() {
        closed = true;
        renewals.shutdown();
    }

    /** Takes the archive a child wrote, once a JVM starts with it; {@code log} is what the child printed. */
    private void adopt(ChildArchive archive, Path draft, long startedNanos, String log) {
        if (archive.adopt(draft, file -> usable(archive, file))) {
            LOG.info("archived the children's classes in {} ({} ms); children started from now on use it",
                    archive.file(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
        } else {
            LOG.warn("children start without a class-data-sharing archive: the JVM wrote none{}",
                    log.isBlank() ? "" : "; it printed: " + log.strip());
        }
    }

    /** True when a JVM that must map {@code file}, written as {@code archive}, starts with it. */
    private boolean usable(ChildArchive archive, Path file) {
        List<String> probe = command.probe(workFolder, archive.strictFlags(file));
        try {
            Process process = new ProcessBuilder(probe).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(JVM_START_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == ChildMain.USAGE;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
