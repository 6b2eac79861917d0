package io.taskfork.consumer.supervisor.launch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.consumer.child.ChildMain;
import io.taskfork.consumer.child.ChildProtocol;
import io.taskfork.shared.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the children's class-data-sharing archive with a child of its own, and tries an archive
 * with a JVM that must map it before children are told of it: a damaged archive can crash every JVM
 * that maps it (a truncated AppCDS file ends in SIGBUS). Not final: a test of {@link ArchiveUse}'s
 * decisions stands in for the JVMs it starts.
 */
class ArchiveWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveWriter.class);

    private final ChildCommand command;
    private final Path workFolder;

    /** Starts a child with {@code flags} added, hands it {@code request} and waits for its end. */
    interface Child {
        ChildExit run(List<String> flags, JsonNode request) throws IOException, InterruptedException;
    }

    /** What a writer child is given: the handlers it loads, the flag that makes it rehearse a task, how it is run. */
    record Inputs(Collection<String> handlers, String rehearse, Child child) {
    }

    ArchiveWriter(ChildCommand command, Path workFolder) {
        this.command = command;
        this.workFolder = workFolder;
    }

    /**
     * Deletes {@code archive} when a JVM cannot start with it, and can without it; says so. One that
     * cannot start either way was refused its options (a heap larger than the host can reserve): the
     * archive is not at fault, and the children's start says what is.
     */
    void discardIfUnusable(ChildArchive archive) {
        if (archive.exists() && !usable(archive, archive.file()) && starts(command.probe(workFolder, List.of()))) {
            LOG.warn("the children's class-data-sharing archive {} is damaged or stale: writing it again",
                    archive.file());
            archive.discard();
        }
    }

    /**
     * Writes {@code archive} with a child that rehearses a task and loads the classes of the
     * handlers, without initializing them, before it exits: the archive then holds what a task
     * loads, and not what listing the types loads (the service loader, the annotation parser), which
     * a JDK 25 child would load at every start. A failure is said, unless {@code stopping}: the
     * supervisor then killed the writer itself.
     *
     * @return true when the archive was written and a JVM starts with it
     */
    boolean write(ChildArchive archive, Inputs inputs, BooleanSupplier stopping) throws InterruptedException {
        Path draft;
        try {
            draft = archive.draft();
        } catch (IOException e) {
            LOG.warn("children start without a class-data-sharing archive: cannot write one in {}: {}",
                    archive.file().getParent(), e.toString());
            return false;
        }
        List<String> flags = new ArrayList<>(archive.writeFlags(draft));
        flags.add(inputs.rehearse());
        ObjectNode request = Json.MAPPER.createObjectNode().put(ChildProtocol.KIND, ChildProtocol.KIND_PREPARE);
        inputs.handlers().forEach(request.putArray(ChildProtocol.HANDLERS)::add);
        boolean handedOver = false;
        try {
            ChildExit exit = null;
            try {
                exit = inputs.child().run(flags, request);
            } catch (IOException | RuntimeException e) {
                // children run without an archive, and the supervisor goes on
                if (!stopping.getAsBoolean()) {
                    LOG.warn("children start without a class-data-sharing archive: the child that writes it"
                            + " did not run: {}", e.toString());
                }
            }
            if (exit == null || stopping.getAsBoolean()) {
                return false;
            }
            // adopt removes the draft, whatever it finds
            handedOver = true;
            if (!archive.adopt(draft, file -> usable(archive, file))) {
                LOG.warn("children start without a class-data-sharing archive: the JVM wrote none{}",
                        exit.log().isBlank() ? "" : "; it printed: " + exit.log().strip());
                return false;
            }
            return true;
        } finally {
            if (!handedOver) {
                archive.discardDraft(draft);
            }
        }
    }

    /** True when a JVM that must map {@code file}, written as {@code archive}, starts with it. */
    private boolean usable(ChildArchive archive, Path file) {
        return starts(command.probe(workFolder, archive.strictFlags(file)));
    }

    /** True when the JVM of {@code probe} starts and answers as a child asked for nothing does. */
    private static boolean starts(List<String> probe) {
        try {
            Process process = new ProcessBuilder(probe).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(ArchiveUse.JVM_START_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
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
