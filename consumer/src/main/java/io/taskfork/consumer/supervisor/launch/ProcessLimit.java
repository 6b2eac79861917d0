package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TASKFORK_TASK_PROCESSES: a cgroup of the pids controller for each child, which its processes and
 * threads cannot outgrow; a fork past it fails. Without it a fork bomb filled the host's process
 * table, and nothing on the host, the supervisor's own kill included, could start a process or a
 * thread for minutes. {@code taskfork-child-init} enters the child's cgroup before it forks anything
 * (told where by {@link #VARIABLE}), so everything the task starts is in it. The cgroups are made
 * beneath the supervisor's own, in a folder {@code taskfork-PID-N} of each launcher's (a JVM may run
 * more than one supervisor). A cgroup that cannot be made costs the child its limit, never its start.
 */
final class ProcessLimit {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessLimit.class);
    /** Where taskfork-child-init finds the folder of the cgroup it enters. */
    static final String VARIABLE = "TASKFORK_PIDS_CGROUP";
    private static final String PREFIX = "taskfork-";
    private static final long RELEASE_EVERY_MS = 100;
    private static final int RELEASE_TRIES = 50;
    private static final long TRIAL_WITHIN_MS = 5_000;
    private static final AtomicLong LAUNCHERS = new AtomicLong();

    private final PidsCgroup own;
    private final Path folder;
    private final int most;
    private final AtomicLong children = new AtomicLong();

    private ProcessLimit(PidsCgroup own, Path folder, int most) {
        this.own = own;
        this.folder = folder;
        this.most = most;
    }

    /**
     * The limit of {@code most} processes a child, when the host offers a pids cgroup this supervisor
     * may make cgroups in, and {@code childInit} (the program that starts the children; empty when
     * they start without it) enters one as a trial; else empty, saying why. Clears the folders that
     * supervisors of this host no longer running left there.
     */
    static Optional<ProcessLimit> open(int most, Optional<Path> childInit) {
        if (most <= 0) {
            LOG.info("process limit: off (TASKFORK_TASK_PROCESSES=off)");
            return Optional.empty();
        }
        if (childInit.isEmpty()) {
            LOG.warn("process limit: none, it needs {} (TASKFORK_TASK_PROCESSES)", Containment.CHILD_INIT);
            return Optional.empty();
        }
        Optional<PidsCgroup> own = PidsCgroup.ofThisProcess();
        if (own.isEmpty()) {
            LOG.info("process limit: none, this host offers no pids cgroup (TASKFORK_TASK_PROCESSES)");
            return Optional.empty();
        }
        sweep(own.get().folder());
        Path folder = own.get().folder()
                .resolve(PREFIX + ProcessHandle.current().pid() + "-" + LAUNCHERS.incrementAndGet());
        try {
            ProcessLimit limit = new ProcessLimit(own.get(), folder, most);
            limit.makeFolder();
            String trial = limit.trial(childInit.get());
            if (trial != null) {
                throw new IOException(trial);
            }
            LOG.info("process limit: {} processes and threads per task (pids cgroups in {})", most, folder);
            return Optional.of(limit);
        } catch (IOException | RuntimeException e) {
            clear(folder);
            LOG.info("process limit: none, no pids cgroup can be made and entered in {} ({})"
                    + " (TASKFORK_TASK_PROCESSES)", own.get().folder(), e.getMessage());
            return Optional.empty();
        }
    }

    /** What every child's start will do, once: a cgroup made, given its limit, and entered; null when it went. */
    private String trial(Path childInit) throws IOException {
        Path cgroup = forChild();
        try {
            ProcessBuilder builder = new ProcessBuilder(childInit.toString(), "session", "--", "true")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put(VARIABLE, cgroup.toString());
            Process process = builder.start();
            if (!process.waitFor(TRIAL_WITHIN_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return "no answer from " + Containment.CHILD_INIT + " within " + TRIAL_WITHIN_MS / 1000 + " s";
            }
            return process.exitValue() == 0 ? null
                    : Containment.CHILD_INIT + " could not enter it (exit code " + process.exitValue() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            release(cgroup, null);
        }
    }

    /**
     * The cgroup of a child about to start, made with the limit; its folder goes in {@link #VARIABLE}.
     * Empty, with a warning, when it cannot be made: the child then starts without a limit.
     */
    Optional<Path> forChildOrNone() {
        try {
            return Optional.of(forChild());
        } catch (IOException | RuntimeException e) {
            LOG.warn("a child starts without its process limit: its pids cgroup cannot be made in {} ({})", folder,
                    e.toString());
            return Optional.empty();
        }
    }

    private Path forChild() throws IOException {
        Path cgroup = folder.resolve("child-" + children.incrementAndGet());
        try {
            Files.createDirectory(cgroup);
        } catch (NoSuchFileException gone) {
            // something took the folder away meanwhile: it is made again, at this cost only then
            makeFolder();
            Files.createDirectory(cgroup);
        }
        try {
            Files.writeString(cgroup.resolve("pids.max"), Integer.toString(most), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            removed(cgroup);
            throw e;
        }
        return cgroup;
    }

    /**
     * The limit, when it refused the child in {@code cgroup} a process or a thread; -1 when it did not,
     * or that cannot be read. {@code pids.events} counts each refusal as {@code max}, but older
     * kernels count there one by a limit above too (the supervisor's own, a container's): so the child
     * must also have held as many as this limit, where the kernel keeps {@code pids.peak} to say so.
     */
    int reachedIn(Path cgroup) {
        try {
            boolean refused = Files.readAllLines(cgroup.resolve("pids.events"), StandardCharsets.US_ASCII).stream()
                    .anyMatch(line -> line.startsWith("max ") && !line.equals("max 0"));
            Path peak = cgroup.resolve("pids.peak");
            if (refused && (!Files.exists(peak)
                    || Long.parseLong(Files.readString(peak, StandardCharsets.US_ASCII).strip()) >= most)) {
                return most;
            }
        } catch (IOException | RuntimeException e) {
            // gone, or a kernel without the file: nothing to tell
        }
        return -1;
    }

    private void makeFolder() throws IOException {
        Files.createDirectories(folder);
        // in cgroup v2 a cgroup's own subtree_control gives the ones beneath it their pids.max
        own.enableBeneath(folder);
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
                    LOG.warn("the pids cgroup {} of an ended child still holds processes; it is left", cgroup);
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
     * Removes this supervisor's folder with its children's cgroups, once the children have ended,
     * giving the last processes of those just killed a moment to go; what is still held then is left
     * to the next supervisor's sweep.
     */
    void close() {
        for (int look = 0; look < RELEASE_TRIES / 2 && !clear(folder); look++) {
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
            LOG.debug("could not clear the pids cgroups of supervisors gone: {}", e.toString());
        }
    }
}
