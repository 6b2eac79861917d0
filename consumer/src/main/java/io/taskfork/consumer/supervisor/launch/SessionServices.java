package io.taskfork.consumer.supervisor.launch;

import io.taskfork.consumer.NamedThreads;
import io.taskfork.consumer.child.ChildProtocol;
import io.taskfork.consumer.child.Sessions;
import io.taskfork.consumer.supervisor.launch.ChildCgroups.ChildCgroup;
import io.taskfork.shared.config.ChildSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What every child's session shares: the command that starts a child, the threads that read its
 * pipes, the timer of its deadline, and the memory watch. One set per launcher, closed with it.
 */
final class SessionServices implements AutoCloseable {

    // An exit code of 128 + N: a death by signal N, of the process or of the JVM it reports.
    private static final int SIGNALLED = 128;
    // taskfork-child-init gives up on a child SIGKILL cannot end after 2 s; a second more for the host's load.
    static final long SUBREAPER_ENDS_WITHIN_MS = 3_000;
    private static final int JVM_FORKED_LOOKS = 20;

    private final ChildSettings settings;
    private final ChildCommand command;
    private final Optional<MemoryWatch> memory;
    private final ChildCgroups cgroups;
    private final ExecutorService outputReaders = Executors.newCachedThreadPool(NamedThreads.of("child-output", true));
    private final ScheduledExecutorService deadlines =
            Executors.newSingleThreadScheduledExecutor(NamedThreads.of("child-deadline", true));

    SessionServices(ChildSettings settings, ChildCommand command, Optional<MemoryWatch> memory,
            ChildCgroups cgroups) {
        this.settings = settings;
        this.command = command;
        this.memory = memory;
        this.cgroups = cgroups;
    }

    /** The cgroups of a child about to start, which hold it to its process and memory limits. */
    ChildCgroup cgroupsForChild() {
        return cgroups.forChild();
    }

    /** The process limit, when the child in {@code cgroups} reached it; -1 when it did not, or had none. */
    int processLimitReached(ChildCgroup child) {
        return cgroups.processLimitReached(child);
    }

    /**
     * What the memory cap saw of an ended child's task, after {@code budget}: why the kernel killed a
     * process of it at its memory limit, when the watch did not kill it first.
     */
    MemorySeen memorySeen(Optional<MemoryBudget> budget, ChildCgroup child) {
        MemorySeen seen = budget.map(MemorySeen::of).orElse(MemorySeen.NOT_WATCHED);
        MemorySeen killed = seen.exceeded() == null ? cgroups.memoryLimitKilled(child, seen.peakBytes()) : null;
        return killed == null ? seen : killed;
    }

    /** Removes the cgroups of a child that has ended, or never started. */
    void releaseCgroups(ChildCgroup child) {
        cgroups.release(child, deadlines);
    }

    ChildCommand command() {
        return command;
    }

    int logLimit() {
        return settings.logLimit();
    }

    /**
     * Kills what the ended child {@code process} left running where its end did not. In a namespace,
     * the end kills everything in it. Under {@code taskfork-child-init} without one, as the tree's
     * subreaper it kills what is left, unless it was killed itself (by the supervisor, or by anyone:
     * it then died of a signal, or reported the JVM's): what the processes killed with it started
     * meanwhile is in the sessions they were in, {@code killedSessions}, and the JVM's, {@code jvm}
     * (its PID; -1 when unknown). Through a shell, the child's JVM is {@code process} itself, and
     * what it left is in its session.
     */
    void killLeftovers(Process process, long jvm, Set<Long> killedSessions) {
        Containment containment = command.containment();
        if (!containment.keepsTree()) {
            if (containment.ownSession()) {
                Sessions.killAllButLeader(process.pid());
            }
        } else if (containment.subreaper() && (process.exitValue() >= SIGNALLED || !killedSessions.isEmpty())) {
            Set<Long> sessions = new HashSet<>(killedSessions);
            if (jvm > 0) {
                sessions.add(jvm);
            }
            Sessions.killAll(sessions, process.pid());
        }
    }

    /**
     * Kills {@code process} with its tree (see {@link ProcessTrees#kill}), noting the sessions
     * {@link #killLeftovers} needs. In {@code taskfork-child-init}'s namespace, killing the process
     * alone is enough. Under {@code taskfork-child-init} without a namespace, it kills
     * the descendants first and leaves {@code taskfork-child-init} alive: as their subreaper, it then
     * kills whatever they started meanwhile, a process that called setsid included, and exits (see its
     * {@code end_children}). It is killed too only if it has not ended within {@link #SUBREAPER_ENDS_WITHIN_MS}
     * (see {@link ProcessTrees#killUnderSubreaper}).
     */
    void kill(Process process, Set<Long> killedSessions) {
        Containment containment = command.containment();
        if (containment.namespace() && containment.byChildInit()) {
            // Its namespace's first process dies with it, and the kernel kills everything left in the
            // namespace: no look through the host's /proc first, which under a fork bomb meant
            // thousands of processes read while the bomb went on.
            process.destroyForcibly();
            return;
        }
        if (!containment.subreaper()) {
            ProcessTrees.kill(process);
            return;
        }
        ProcessTrees.killUnderSubreaper(process, killedSessions, deadlines, SUBREAPER_ENDS_WITHIN_MS);
    }

    /**
     * The PID of the JVM that {@code taskfork-child-init} runs as its child without a namespace,
     * which leads the JVM's session; -1 elsewhere, or when it cannot be read (gone). A child just
     * started may not have forked its JVM yet: it is given a few milliseconds.
     */
    long jvmOf(Process process) {
        if (!command.containment().subreaper()) {
            return -1;
        }
        byte[] buffer = new byte[64];
        for (int look = 0; look < JVM_FORKED_LOOKS; look++) {
            String child = ProcessTable.firstChild(process.pid(), buffer);
            if (child == null) {
                return -1;
            }
            if (!child.isEmpty()) {
                return Long.parseLong(child);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    Future<?> drain(LogCapture capture, InputStream output) {
        return outputReaders.submit(() -> {
            capture.consume(output);
            return null;
        });
    }

    /** Reads a child's events into {@code report} on a thread of ours, until the last one or the pipe's end. */
    CompletableFuture<Void> read(ChildReport report, InputStream events, int maxLine) {
        return CompletableFuture.runAsync(() -> {
            try {
                report.readAll(events, maxLine);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, outputReaders);
    }

    /** Holds the task of {@code process} to the memory cap, if there is one; {@code kill} ends it when it is over. */
    Optional<MemoryBudget> watchMemory(Process process, Consumer<String> kill) {
        return memory.map(watch -> watch.watch(process, kill));
    }

    void forgetMemory(Optional<MemoryBudget> budget) {
        budget.ifPresent(task -> memory.ifPresent(watch -> watch.forget(task)));
    }

    /**
     * Writes a byte to a running task's child's stdin every {@link ChildProtocol#PING_EVERY_MS}: a
     * child that hears none for {@link ChildProtocol#SILENCE_MS} ends itself, as its supervisor has
     * stopped (see the child's Lifelines). Cancelled before stdin is closed; a ping that meets it
     * closed, or the child gone, is nothing.
     */
    Future<?> ping(OutputStream stdin) {
        return deadlines.scheduleWithFixedDelay(() -> {
            try {
                stdin.write('\n');
                stdin.flush();
            } catch (IOException gone) {
                // the child ended, or its report came and its stdin was closed
            }
        }, ChildProtocol.PING_EVERY_MS, ChildProtocol.PING_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    Future<?> afterTimeout(Runnable action) {
        return deadlines.schedule(action, settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        memory.ifPresent(MemoryWatch::close);
        outputReaders.shutdownNow();
        cgroups.close();
    }
}
