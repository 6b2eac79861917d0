package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes the folders children work in, and removes what they leave behind. */
final class Folders {

    private static final Logger LOG = LoggerFactory.getLogger(Folders.class);
    static final String UNDELETABLE_PREFIX = ".undeletable-";
    private static final AtomicLong ASIDE = new AtomicLong();

    private Folders() {
    }

    /**
     * Removes a task's folder once its child has ended. What the task left that the supervisor may
     * not delete (a folder it made read-only) must not cost the outcome of a task that has run: it
     * is said, and the next run of the task clears the path first.
     */
    static void deleteAfterTask(Path folder) {
        try {
            deleteTree(folder);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not remove the task folder {}: {}", folder, e.toString());
        }
    }

    /**
     * Makes {@code folder}, and its parents, unless it is there. One {@code stat} when it is: {@link
     * Files#createDirectories} first tries to make it and throws and catches an exception when it
     * exists, which costs more than the look, on every task.
     */
    static void ensure(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
        }
    }

    /**
     * Makes {@code folder} new and empty, whatever was at its path, with its parents when they are
     * missing. One {@code mkdir} when the path is free, as it nearly always is; the clearing and the
     * parents only after that failed.
     */
    static void makeFresh(Path folder) throws IOException {
        try {
            Files.createDirectory(folder);
        } catch (FileSystemException taken) {
            clearAndRetry(folder, taken, () -> Files.createDirectory(folder));
        }
    }

    /**
     * Renames the folder {@code from} to {@code to}, replacing whatever was at {@code to}, and
     * making its parents when they are missing. One {@code rename} when the path is free or an empty
     * folder; the clearing and the parents only after that failed.
     */
    static void moveFresh(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException taken) {
            // a move across file systems fails however clear the path is
            if (taken instanceof AtomicMoveNotSupportedException
                    || !Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                throw taken;
            }
            clearAndRetry(to, taken, () -> Files.move(from, to, StandardCopyOption.ATOMIC_MOVE));
        }
    }

    private interface PathStep {
        void run() throws IOException;
    }

    /** Clears {@code path}, makes its parents, and takes {@code step} again; a failure keeps {@code taken} with it. */
    private static void clearAndRetry(Path path, FileSystemException taken, PathStep step) throws IOException {
        try {
            clear(path);
            ensure(path.getParent());
            step.run();
        } catch (IOException again) {
            again.addSuppressed(taken);
            throw again;
        }
    }

    /**
     * Deletes {@code path}, or, where an earlier run of the task left what cannot be deleted (a mount
     * point, an immutable file, a read-only folder of a supervisor that is not root), moves it aside
     * in its parent: that task's every later run would otherwise fail to start, for as long as the
     * folder stays.
     */
    private static void clear(Path path) throws IOException {
        try {
            deleteTree(path);
        } catch (IOException | UncheckedIOException stuck) {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                throw stuck;
            }
            Path aside = path.resolveSibling(UNDELETABLE_PREFIX + path.getFileName() + "-"
                    + ProcessHandle.current().pid() + "-" + ASIDE.incrementAndGet());
            Files.move(path, aside, StandardCopyOption.ATOMIC_MOVE);
            LOG.warn("could not remove {} ({}); moved it aside to {}, for its owner to remove", path, stuck, aside);
        }
    }

    /** Deletes {@code folder} and everything in it; nothing happens when it does not exist. */
    static void deleteTree(Path folder) throws IOException {
        try {
            // Most folders are empty or gone (a task that wrote nothing, a waiting child's folder):
            // two system calls then, where a walk takes a dozen, several times for every task.
            Files.deleteIfExists(folder);
            return;
        } catch (DirectoryNotEmptyException full) {
            // emptied below
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
