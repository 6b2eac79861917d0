package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folders of tasks that ended while no supervisor of this host could remove them. A supervisor
 * killed while its tasks ran leaves their folders ({@code TASKFORK_WORK_DIR/<task-id>}); a task
 * that then ran elsewhere, was cancelled or expired never runs here again to clear its path. The
 * next supervisor to start on the host removes the folders whose rows say the task has ended.
 */
public final class EndedTaskFolders {

    private static final Logger LOG = LoggerFactory.getLogger(EndedTaskFolders.class);
    private static final String ASIDE_PREFIX = ".ended-";

    /** Which of the task IDs given have ended, as their rows say now. */
    public interface Rows {
        Set<Long> ended(Collection<Long> ids);
    }

    private EndedTaskFolders() {
    }

    /**
     * Removes the folders in {@code workRoot} of the tasks {@code rows} says have ended.
     *
     * @return how many it removed
     */
    public static int sweep(Path workRoot, Rows rows) {
        List<Long> ids = taskFolders(workRoot);
        if (ids.isEmpty()) {
            return 0;
        }
        // Moved aside first, then asked again: a task replayed meanwhile may have started here, in
        // the folder just moved, and gets it back. Once moved, no run of the task can reach it.
        Map<Long, Path> aside = new HashMap<>();
        for (long id : rows.ended(ids)) {
            Path folder = workRoot.resolve(Long.toString(id));
            Path moved = workRoot.resolve(ASIDE_PREFIX + id + "-" + ProcessHandle.current().pid());
            try {
                Files.move(folder, moved, StandardCopyOption.ATOMIC_MOVE);
                aside.put(id, moved);
            } catch (IOException e) {
                LOG.debug("could not move {} aside: {}", folder, e.toString());
            }
        }
        if (aside.isEmpty()) {
            return 0;
        }
        Set<Long> stillEnded = rows.ended(aside.keySet());
        int removed = 0;
        for (Map.Entry<Long, Path> entry : aside.entrySet()) {
            if (!stillEnded.contains(entry.getKey()) && movedBack(entry.getValue(), workRoot, entry.getKey())) {
                continue;
            }
            try {
                Folders.deleteTree(entry.getValue());
                removed++;
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("could not remove {}, the folder of task {}, which has ended: {}", entry.getValue(),
                        entry.getKey(), e.toString());
            }
        }
        if (removed > 0) {
            LOG.info("removed {} folders of tasks that ended while their supervisor was gone", removed);
        }
        return removed;
    }

    // false when a later run of the task has made its folder again: the one moved aside is older
    private static boolean movedBack(Path moved, Path workRoot, long id) {
        try {
            Files.move(moved, workRoot.resolve(Long.toString(id)), StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The task IDs that name a folder in {@code workRoot}. */
    private static List<Long> taskFolders(Path workRoot) {
        List<Long> ids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(workRoot)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.matches("[1-9][0-9]{0,17}") && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    ids.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            // no work root yet: nothing was left in it
            LOG.debug("looking for task folders in {}: {}", workRoot, e.toString());
        }
        return ids;
    }
}
