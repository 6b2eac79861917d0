package io.taskfork.consumer.supervisor.launch;

import io.taskfork.consumer.NamedThreads;
import io.taskfork.consumer.child.Sessions;
import io.taskfork.shared.config.ChildSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

    private final ChildSettings settings;
    private final ChildCommand command;
    private final Optional<MemoryWatch> memory;
    private final ExecutorService outputReaders = Executors.newCachedThreadPool(NamedThreads.of("child-output", true));
    private final ScheduledExecutorService deadlines =
            Executors.newSingleThreadScheduledExecutor(NamedThreads.of("child-deadline", true));

    SessionServices(ChildSettings settings, ChildCommand command, Optional<MemoryWatch> memory) {
        this.settings = settings;
        this.command = command;
        this.memory = memory;
    }

    ChildCommand command() {
        return command;
    }

    int logLimit() {
        return settings.logLimit();
    }

    /**
     * Kills what the ended child {@code pid} left running. In a namespace, its end already has, and
     * so has {@code taskfork-child-init} as the tree's subreaper, unless it was killed: then what the
     * processes the supervisor killed with it started meanwhile is in their sessions,
     * {@code killedSessions}. Through a shell, the child's JVM is {@code pid} itself, and what it
     * left is in its session.
     */
    void killLeftovers(long pid, Set<Long> killedSessions) {
        Containment containment = command.containment();
        if (containment.namespace()) {
            return;
        }
        if (containment.keepsTree()) {
            Sessions.killAll(killedSessions, pid);
        } else if (containment.ownSession()) {
            Sessions.killAllButLeader(pid);
        }
    }

    /**
     * Kills {@code process} with its tree (see {@link ProcessTrees#kill}); returns the sessions a
     * later {@link #killLeftovers} must look through.
     */
    Set<Long> kill(Process process) {
        Containment containment = command.containment();
        return ProcessTrees.kill(process, containment.keepsTree() && !containment.namespace());
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

    Future<?> afterTimeout(Runnable action) {
        return deadlines.schedule(action, settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        memory.ifPresent(MemoryWatch::close);
        outputReaders.shutdownNow();
    }
}
