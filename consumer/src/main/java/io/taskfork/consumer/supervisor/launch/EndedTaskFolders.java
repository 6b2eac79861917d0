package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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

    /**
     * Which of the task IDs given have ended, as their rows say, handed to {@code work} while those
     * rows are held so: a run that could start meanwhile (a replay's) would find its folder removed.
     */
    public interface Rows {
        void whileEnded(Collection<Long> ids, Consumer<Set<Long>> work);
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
        AtomicInteger removed = new AtomicInteger();
        rows.whileEnded(ids, ended -> {
            for (long id : ended) {
                Path folder = workRoot.resolve(Long.toString(id));
                try {
                    Folders.deleteTree(folder);
                    removed.incrementAndGet();
                } catch (IOException | UncheckedIOException e) {
                    LOG.warn("could not remove {}, the folder of task {}, which has ended: {}", folder, id,
                            e.toString());
                }
            }
        });
        if (removed.get() == 1) {
            LOG.info("removed 1 folder of a task that ended while its supervisor was gone");
        } else if (removed.get() > 1) {
            LOG.info("removed {} folders of tasks that ended while their supervisor was gone", removed.get());
        }
        return removed.get();
    }

    /**
     * As {@link #sweep}, at a supervisor's start: disk that cannot be had back is worth a WARN line,
     * never the start.
     */
    public static void sweepOrWarn(Path workRoot, Rows rows) {
        try {
            sweep(workRoot, rows);
        } catch (RuntimeException e) {
            LOG.warn("could not look for the folders of tasks that ended while their supervisor was gone: {}",
                    e.toString());
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
        } catch (IOException | DirectoryIteratorException e) {
            // no work root yet: nothing was left in it
            LOG.debug("looking for task folders in {}: {}", workRoot, e.toString());
        }
        return ids;
    }
}
