package io.taskfork.consumer.supervisor.launch;

import io.taskfork.consumer.NamedThreads;
import java.nio.file.Path;
import java.time.Duration;
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
    // A jar copied in place changes for a while: its archive is written once it has stayed as it is this long.
    static final Duration SETTLED_AFTER = Duration.ofSeconds(1);

    private final ArchiveWriter writer;
    // The handler path as it is now, and the archive for the classpath as it is now: read again
    // when a jar of the handler path changes while the supervisor runs.
    private final Supplier<HandlerPathStamp> handlerPath;
    private final Supplier<Optional<ChildArchive>> archiveNow;
    // The archive children map, and the handler path it was written for. The JVM's own check of an
    // archived jar takes its size and its time to the second: a jar renamed over the old one within
    // the second, of the same size, would pass it, and children would run the old classes.
    private volatile Archived current;
    // What a writer needs, known once the types are listed: until then no archive is written again.
    private volatile ArchiveWriter.Inputs inputs;
    private final AtomicBoolean renewing = new AtomicBoolean();
    private volatile boolean closed;
    private final ExecutorService renewals =
            Executors.newSingleThreadExecutor(NamedThreads.of("child-archive", true));

    /** The archive children map while the handler path is {@code stamp}; none when it is empty. */
    private record Archived(Optional<ChildArchive> archive, HandlerPathStamp stamp) {
    }

    /** @param handlerPath the handler path's stamp as it is now; read at once for the start's archive */
    ArchiveUse(ChildCommand command, Path workFolder, Supplier<HandlerPathStamp> handlerPath) {
        this(command::archive, new ArchiveWriter(command, workFolder), handlerPath);
    }

    ArchiveUse(Supplier<Optional<ChildArchive>> archiveNow, ArchiveWriter writer,
            Supplier<HandlerPathStamp> handlerPath) {
        this.archiveNow = archiveNow;
        this.writer = writer;
        this.handlerPath = handlerPath;
        // the stamp first: a jar changed in between makes the archive stale at once, never one of other jars
        HandlerPathStamp stamp = handlerPath.get();
        this.current = new Archived(archiveNow.get(), stamp);
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
        current.archive().ifPresent(writer::discardIfUnusable);
    }

    /**
     * Writes a missing archive with a child of its own (see {@link ArchiveWriter#write}), given
     * {@code handlers}, {@code rehearse} and {@code child}, as the archives written after a jar
     * changes are written too.
     */
    void writeIfMissing(Collection<String> handlers, String rehearse, ArchiveWriter.Child child)
            throws InterruptedException {
        ArchiveWriter.Inputs given = new ArchiveWriter.Inputs(List.copyOf(handlers), rehearse, child);
        Archived start = current;
        if (start.archive().isPresent() && !start.archive().get().exists()) {
            long started = System.nanoTime();
            boolean written = writer.write(start.archive().get(), given, () -> closed);
            // when the jars changed meanwhile it is not kept, and flags() asks for one of the new jars
            keep(start.archive().get(), start.stamp(), written, started);
        }
        inputs = given;
    }

    /**
     * Writes no more archives. A writer running now is a live child, which the launcher kills next;
     * what it leaves is removed without a word.
     */
    void close() {
        closed = true;
        renewals.shutdown();
    }

    /** Has the archive for the changed handler path written, on the renewal thread, unless it is at it. */
    private void renewSoon() {
        if (inputs != null && renewing.compareAndSet(false, true)) {
            try {
                renewals.execute(this::renew);
            } catch (RejectedExecutionException stopping) {
                // the supervisor is stopping: children start without an archive until the next start
            }
        }
    }

    /**
     * Writes the archive for the handler path once it has settled. It is taken only if the path did
     * not change while it was written: then children of that path map it, or, when none could be
     * written, start without one until the path changes again. After a change meanwhile, the next
     * child started asks for another.
     */
    private void renew() {
        HandlerPathStamp before = null;
        try {
            before = settled();
            if (before == null || before.equals(current.stamp())) {
                return;
            }
            Optional<ChildArchive> archive = archiveNow.get();
            if (archive.isEmpty()) {
                current = new Archived(archive, before);
                return;
            }
            LOG.info("a jar of TASKFORK_HANDLER_PATH changed: children start without a class-data-sharing"
                    + " archive until one for the new jars is written");
            long started = System.nanoTime();
            if (!closed) {
                writer.discardIfUnusable(archive.get());
            }
            boolean written = !closed && !archive.get().exists() && writer.write(archive.get(), inputs, () -> closed);
            if (keep(archive.get(), before, written, started) && !closed) {
                if (!written && archive.get().exists()) {
                    LOG.info("children started from now on map {}, an archive of these jars written before",
                            archive.get().file());
                }
                current = new Archived(archive.filter(ChildArchive::exists), before);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("children start without a class-data-sharing archive: cannot write one for the changed"
                    + " handler path: {}", e.toString());
            if (before != null) {
                // not tried again for these jars: a failure that repeats would cost two JVMs a child
                current = new Archived(Optional.empty(), before);
            }
        } finally {
            renewing.set(false);
        }
    }

    /**
     * Whether {@code archive}, just looked for or written for the handler path {@code before}, may be
     * named to children of that path: not when the path changed meanwhile. One written then is
     * deleted: it is named by the jars as they were before the writer opened them, and may hold others.
     */
    private boolean keep(ChildArchive archive, HandlerPathStamp before, boolean written, long startedNanos) {
        if (!handlerPath.get().equals(before)) {
            if (written) {
                archive.discard();
                LOG.info("the handler path changed while its archive was written: that one is not used");
            }
            return false;
        }
        if (written) {
            LOG.info("archived the children's classes in {} ({} ms); children started from now on use it",
                    archive.file(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
        }
        return true;
    }

    /** The handler path once it has stayed as it is for {@link #SETTLED_AFTER}; null when closed meanwhile. */
    private HandlerPathStamp settled() throws InterruptedException {
        HandlerPathStamp seen = handlerPath.get();
        while (!closed) {
            Thread.sleep(SETTLED_AFTER.toMillis());
            HandlerPathStamp now = handlerPath.get();
            if (now.equals(seen)) {
                return now;
            }
            seen = now;
        }
        return null;
    }
}
