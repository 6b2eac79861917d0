package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folders a supervisor keeps for its children are named by its process ID: its private folder
 * ({@code taskfork-PID-N} in the temporary directory) and its standby children's working
 * directories ({@code .standby-PID-N} in the work root). A supervisor that is killed cannot remove
 * them; the next one to start on the host does, for every PID that no longer runs.
 */
final class Leftovers {

    private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);
    static final String FOLDER_PREFIX = "taskfork-";
    static final String STANDBY_PREFIX = ".standby-";
    private static final Pattern OWNER = Pattern.compile("(\\d+)-\\d+");

    private Leftovers() {
    }

    /** The name of a folder of this supervisor's, after {@code prefix}: its PID, a dash, then a number. */
    static String owned(String prefix) {
        return prefix + ProcessHandle.current().pid() + "-";
    }

    /**
     * Removes what supervisors that no longer run left, then makes this supervisor's private folder
     * in the temporary directory.
     */
    static Path sweepAndCreateFolder(Path workRoot) {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            sweep(base, workRoot);
            return Files.createTempDirectory(base, owned(FOLDER_PREFIX));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work folder for children", e);
        }
    }

    /** Removes the folders of supervisors that no longer run from {@code temporary} and {@code workRoot}. */
    static void sweep(Path temporary, Path workRoot) {
        int removed = sweep(temporary, FOLDER_PREFIX) + sweep(workRoot, STANDBY_PREFIX);
        if (removed > 0) {
            LOG.info("removed {} left by supervisors that were killed",
                    removed == 1 ? "1 folder" : removed + " folders");
        }
    }

    private static int sweep(Path parent, String prefix) {
        if (!Files.isDirectory(parent)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, prefix + "*")) {
            for (Path entry : entries) {
                Matcher owner = OWNER.matcher(entry.getFileName().toString().substring(prefix.length()));
                // a standby folder that took a task is a link to the task's folder, which may be gone since
                if (owner.matches() && (Files.isDirectory(entry) || Files.isSymbolicLink(entry))
                        && !runs(Long.parseLong(owner.group(1)))) {
                    Folders.deleteTree(entry);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.debug("looking for leftovers in {}: {}", parent, e.toString());
        }
        return removed;
    }

    // An exited process that nobody reaped is a zombie: it runs nothing and owns nothing any more.
    private static boolean runs(long pid) {
        if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
            return false;
        }
        try {
            List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
            return status.stream().noneMatch(line -> line.matches("State:\\s+Z.*"));
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }
}
