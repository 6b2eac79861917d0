package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One launcher's folder in one cgroup hierarchy, {@code taskfork-PID-N} beneath the supervisor's own
 * cgroup (a JVM may run more than one supervisor), with a cgroup {@code child-M} in it for each child.
 * A cgroup's folder can be removed only once no process is in it, so the cgroup of a child just
 * ended is tried again for a few seconds, and what is still held when a supervisor ends is left to
 * the next one's sweep.
 */
final class CgroupFolder {

    private static final Logger LOG = LoggerFactory.getLogger(CgroupFolder.class);
    private static final String PREFIX = "taskfork-";
    private static final long RELEASE_EVERY_MS = 100;
    private static final int RELEASE_TRIES = 50;
    private static final AtomicLong LAUNCHERS = new AtomicLong();

    private final OwnCgroup own;
    // the controllers whose limits the children's cgroups get, enabled for them in cgroup v2
    private final List<String> controllers = new CopyOnWriteArrayList<>();
    private final Path folder;
    private final AtomicLong children = new AtomicLong();

    private CgroupFolder(OwnCgroup own, Path folder) {
        this.own = own;
        this.folder = folder;
    }

    /**
     * Makes the folder of a launcher beneath {@code own}, after clearing the folders that supervisors
     * no longer running left there.
     */
    static CgroupFolder open(OwnCgroup own) throws IOException {
        sweep(own.folder());
        CgroupFolder made = new CgroupFolder(own,
                own.folder().resolve(PREFIX + ProcessHandle.current().pid() + "-" + LAUNCHERS.incrementAndGet()));
        try {
            made.makeFolder();
        } catch (IOException | RuntimeException e) {
            clear(made.folder);
            throw e;
        }
        return made;
    }

    /** Lets the children's cgroups have the limits of {@code controller} (see {@link OwnCgroup#enableBeneath}). */
    void enable(String controller) throws IOException {
        own.enableBeneath(folder, List.of(controller));
        controllers.add(controller);
    }

    Path folder() {
        return folder;
    }

    OwnCgroup own() {
        return own;
    }

    /** Makes the cgroup of a child about to start and writes {@code limits} into it, file by file, in order. */
    Path forChild(Map<String, String> limits) throws IOException {
        Path cgroup = folder.resolve("child-" + children.incrementAndGet());
        try {
            Files.createDirectory(cgroup);
        } catch (NoSuchFileException gone) {
            // something took the folder away meanwhile: it is made again, at this cost only then
            makeFolder();
            Files.createDirectory(cgroup);
        }
        try {
            for (Map.Entry<String, String> limit : limits.entrySet()) {
                Files.writeString(cgroup.resolve(limit.getKey()), limit.getValue(), StandardCharsets.US_ASCII);
            }
        } catch (IOException | RuntimeException e) {
            removed(cgroup);
            throw e;
        }
        return cgroup;
    }

    private void makeFolder() throws IOException {
        Files.createDirectories(folder);
        // in cgroup v2 a cgroup's own subtree_control gives the ones beneath it their limits
        own.enableBeneath(folder, controllers);
    }

    /**
     * Removes the cgroup of a child that has ended. Its last processes may still be on their way
     * out (in the session fallback, killed just now): it is tried again on {@code timer} for a few
     * seconds; at once and once only without one, or once the timer is shut down.
     */
    void release(Path cgroup, ScheduledExecutorService timer) {
        if (removed(cgroup) || timer == null) {
            return;
        }
        AtomicLong tries = new AtomicLong();
        Runnable again = new Runnable() {
            @Override
            public void run() {
                if (!removed(cgroup) && tries.incrementAndGet() < RELEASE_TRIES) {
                    schedule(timer, this);
                } else if (tries.get() >= RELEASE_TRIES) {
                    LOG.warn("the cgroup {} of an ended child still holds processes; it is left", cgroup);
                }
            }
        };
        schedule(timer, again);
    }

    private static void schedule(ScheduledExecutorService timer, Runnable again) {
        try {
            timer.schedule(again, RELEASE_EVERY_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the launcher is closing: close() tries what is left
        }
    }

    /**
     * Removes the launchers' {@code folders} with their children's cgroups, once the children have
     * ended, giving the last processes of those just killed a moment to go.
     */
    static void close(Collection<CgroupFolder> folders) {
        List<CgroupFolder> left = new ArrayList<>(folders);
        for (int look = 0; look < RELEASE_TRIES / 2; look++) {
            left.removeIf(folder -> clear(folder.folder));
            if (left.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(RELEASE_EVERY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean removed(Path cgroup) {
        try {
            // a cgroup's folder is removed with its control files, and only when no process is in it
            Files.deleteIfExists(cgroup);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes {@code folder} with the children's cgroups in it; false when any is still held. */
    private static boolean clear(Path folder) {
        try (DirectoryStream<Path> cgroups = Files.newDirectoryStream(folder, "child-*")) {
            for (Path cgroup : cgroups) {
                removed(cgroup);
            }
        } catch (IOException | RuntimeException e) {
            // gone already, or not readable: nothing to remove
        }
        return removed(folder);
    }

    /** Removes the folders of supervisors that no longer run, with their children's cgroups, where empty. */
    private static void sweep(Path own) {
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(own, PREFIX + "*")) {
            for (Path folder : folders) {
                String[] parts = folder.getFileName().toString().substring(PREFIX.length()).split("-");
                String pid = parts[0];
                if (parts.length != 2 || pid.isEmpty() || !pid.chars().allMatch(Character::isDigit)
                        || ProcessHandle.of(Long.parseLong(pid)).isPresent()) {
                    continue;
                }
                clear(folder);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not clear the cgroups of supervisors gone in {}: {}", own, e.toString());
        }
    }
}
