package io.taskfork.consumer.supervisor.launch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the children use their class-data-sharing archive, when the JVM has one for them: checked
 * once at start and written again when it is damaged or stale, written by a child of its own when
 * it is missing, and named to every child after that.
 */
final class ArchiveUse {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveUse.class);
    // A JVM that has not started and exited within this never will.
    static final Duration JVM_START_WITHIN = Duration.ofSeconds(30);

    private final Optional<ChildArchive> archive;
    private final ChildCommand command;
    private final Path workFolder;
    // The handler path the archive is for. The JVM's own check of an archived jar takes its size and
    // its time to the second: a jar renamed over the old one within the second, of the same size,
    // would pass it, and children would run the old classes.
    private final HandlerPathStamp archivedFor;

    /** Starts a child with {@code flags} added, hands it {@code request} and waits for its end. */
    interface Child {
        ChildExit run(List<String> flags, JsonNode request) throws IOException, InterruptedException;
    }

    /** @param archivedFor the handler path's stamp at the start */
    ArchiveUse(ChildCommand command, Path workFolder, HandlerPathStamp archivedFor) {
        this(command.archive(), command, workFolder, archivedFor);
    }

    ArchiveUse(Optional<ChildArchive> archive, ChildCommand command, Path workFolder, HandlerPathStamp archivedFor) {
        this.archive = archive;
        this.command = command;
        this.workFolder = workFolder;
        this.archivedFor = archivedFor;
    }

    /**
     * The flags that map the archive, when there is one and the handler path, as {@code now} says,
     * has not changed since the start.
     */
    List<String> flags(HandlerPathStamp now) {
        return archive.filter(any -> now.equals(archivedFor)).map(ChildArchive::useFlags).orElse(List.of());
    }

    /** Discards an archive that a JVM cannot start with: {@link #flags(HandlerPathStamp)} then names none. */
    void check() {
        if (archive.isPresent() && archive.get().exists() && !usable(archive.get().file())) {
            LOG.warn("the children's class-data-sharing archive {} is damaged or stale: writing it again",
                    archive.get().file());
            archive.get().discard();
        }
    }

    /**
     * Writes a missing archive with a child of its own, which rehearses a task ({@code rehearse})
     * and loads the classes of {@code handlers}, without initializing them, before it exits: the
     * archive then holds what a task loads, and not what listing the types loads (the service
     * loader, the annotation parser), which a JDK 25 child would load at every start.
     */
    void writeIfMissing(Collection<String> handlers, String rehearse, Child child)
            throws IOException, InterruptedException {
        if (archive.isEmpty() || archive.get().exists()) {
            return;
        }
        Path draft;
        try {
            draft = archive.get().draft();
        } catch (IOException e) {
            LOG.warn("children start without a class-data-sharing archive: cannot write one in {}: {}",
                    archive.get().file().getParent(), e.toString());
            return;
        }
        long started = System.nanoTime();
        List<String> flags = new ArrayList<>(archive.get().writeFlags(draft));
        flags.add(rehearse);
        ObjectNode request = Json.MAPPER.createObjectNode().put(ChildProtocol.KIND, ChildProtocol.KIND_PREPARE);
        handlers.forEach(request.putArray(ChildProtocol.HANDLERS)::add);
        ChildExit exit = null;
        try {
            exit = child.run(flags, request);
        } catch (IOException | RuntimeException e) {
            // the types are known and children run without an archive: the supervisor starts anyway
            LOG.warn("children start without a class-data-sharing archive: the child that writes it did not run: {}",
                    e.toString());
        } finally {
            if (exit == null) {
                archive.get().discardDraft(draft);
            }
        }
        if (exit != null) {
            adopt(draft, started, exit.log());
        }
    }

    /** Takes the archive a child wrote, once a JVM starts with it; {@code log} is what the child printed. */
    private void adopt(Path draft, long startedNanos, String log) {
        if (archive.orElseThrow().adopt(draft, this::usable)) {
            LOG.info("archived the children's classes in {} ({} ms); children started from now on use it",
                    archive.get().file(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
        } else {
            LOG.warn("children start without a class-data-sharing archive: the JVM wrote none{}",
                    log.isBlank() ? "" : "; it printed: " + log.strip());
        }
    }

    /** True when a JVM that must map {@code file} starts with it. */
    private boolean usable(Path file) {
        List<String> probe = command.probe(workFolder, archive.orElseThrow().strictFlags(file));
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
