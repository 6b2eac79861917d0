package io.taskfork.consumer.supervisor.launch;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.consumer.supervisor.launch.ChildCgroups.ChildCgroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One child JVM from launch to exit, in two steps: {@link #start} launches it, and {@link #run}
 * hands it its one request, gathers its report, output and end. A standby child is started ahead
 * and waits between the two.
 */
final class ChildSession {

    private static final int MAX_EVENT_BYTES = 16 << 20;

    private final SessionServices services;
    private final JvmMarkers markers;
    private Path directory;
    private Future<?> draining;
    // the cgroups its processes are held in, by the process and memory limits
    private ChildCgroup cgroups = ChildCgroup.NONE;
    private volatile Process process;
    private volatile boolean timedOut;
    private volatile StopReason stoppedBy;
    private volatile LogCapture output;
    private volatile boolean c1Only;
    // The sessions of what the supervisor killed of this child's tree: see SessionServices#killLeftovers.
    private final Set<Long> killedSessions = ConcurrentHashMap.newKeySet();
    // What its processes had used when the supervisor killed them at the timeout, the memory cap or a cancel.
    private final AtomicLong cpuMillisAtKill = new AtomicLong(-1);

    /**
     * @param markers   where the JVM leaves its markers when it dies of itself
     * @param directory the child's working directory
     */
    ChildSession(SessionServices services, JvmMarkers markers, Path directory) {
        this.services = services;
        this.markers = markers;
        this.directory = directory;
    }

    /** Whether taskfork started it with C1 alone (see {@link JitChoice}); a user's own flags are not looked at. */
    boolean c1Only() {
        return c1Only;
    }

    /**
     * Launches the child with {@code flags} added; it waits for its request on stdin. Its stdout
     * pipe carries its events (see {@link ChildCommand#build}); its stderr pipe, its log.
     */
    void start(List<String> flags) throws IOException {
        c1Only = flags.contains(JitChoice.C1_ONLY);
        // Nothing else writes to the work folder: a cleaner of old temporary files may have taken it.
        Folders.ensure(markers.oom().getParent());
        try {
            cgroups = services.cgroupsForChild();
            ProcessBuilder builder = new ProcessBuilder(services.command().build(markers, flags))
                    .directory(directory.toFile());
            // The child holds no secrets of the supervisor: no database or broker credentials.
            builder.environment().keySet().removeIf(name -> name.startsWith("TASKFORK_"));
            cgroups.tell(builder.environment());
            services.command().tellChildInit(builder.environment());
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            markers.delete();
            services.releaseCgroups(cgroups);
            throw e;
        }
        output = new LogCapture(services.logLimit());
        draining = services.drain(output, process.getErrorStream());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Moves a waiting child's working directory to {@code target}. The process keeps its working
     * directory across the rename; a link at the old path keeps the JVM's {@code user.dir} valid.
     */
    void moveTo(Path target) throws IOException {
        Path old = directory;
        Folders.moveFresh(old, target);
        directory = target;
        try {
            Files.createSymbolicLink(old, target);
        } catch (IOException | UnsupportedOperationException e) {
            // only the JVM's idea of its working directory's name goes stale; relative paths still work
        }
    }

    /** The child's working directory. */
    Path directory() {
        return directory;
    }

    /** Hands the child {@code request} and waits for its end, at most the task timeout from now. */
    ChildExit run(JsonNode request, ProgressListener progress) throws IOException, InterruptedException {
        boolean markersPossible = true;
        try {
            long handedOver = System.nanoTime();
            long jvm = -1;
            Future<?> deadline = services.afterTimeout(() -> {
                timedOut = true;
                killNotingCpu(process);
            });
            Optional<MemoryBudget> memory = services.watchMemory(process, over -> killNotingCpu(process));
            ChildReport report = new ChildReport(handedOver, progress);
            try {
                jvm = converse(request, report);
            } finally {
                // Our end of stdin is the child's lifeline, held while we need the child: it is
                // closed once the child's report is complete, or the child has died.
                ChildPipes.closeQuietly(process.getOutputStream());
            }
            try {
                process.waitFor();
            } finally {
                deadline.cancel(false);
                services.forgetMemory(memory);
            }
            // Through a shell, or when taskfork-child-init was killed, what the task started may run on.
            services.killLeftovers(process, jvm, killedSessions);
            long runNanos = System.nanoTime() - handedOver;
            String log = ChildPipes.awaitOutput(draining, output, process.getErrorStream());
            markersPossible = JvmMarkers.possibleAfter(process.exitValue());
            byte[] fatalErrorLog = markersPossible ? markers.fatalErrorLogBytes() : null;
            return new ChildExit(process.pid(), process.exitValue(), timedOut, stoppedBy,
                    markersPossible && Files.exists(markers.oom()),
                    fatalErrorLog == null ? null : JvmMarkers.signalLine(fatalErrorLog), report,
                    fatalErrorLog == null ? log : log + JvmMarkers.excerpt(fatalErrorLog, services.logLimit() / 4),
                    // the cgroups are read for a failure only: a success says nothing of the limits, and
                    // costs no file read
                    runNanos, services.memorySeen(memory, report.hasResult() ? ChildCgroup.NONE : cgroups),
                    cpuMillisAtKill.get(), report.hasResult() ? -1 : services.processLimitReached(cgroups));
        } finally {
            ChildPipes.closeQuietly(process.getInputStream());
            if (markersPossible) {
                markers.delete();
            }
            services.releaseCgroups(cgroups);
        }
    }

    /**
     * Kills a child that will get no request, waits for it, and removes its folders; returns what
     * it printed, or "" when that cannot be read.
     */
    String discardQuietly() {
        long jvm = services.jvmOf(process);
        stop(StopReason.SHUTDOWN);
        try {
            String log;
            try {
                ChildPipes.closeQuietly(process.getOutputStream());
                process.waitFor();
                // what it started while it waited, such as a Java agent's processes
                services.killLeftovers(process, jvm, killedSessions);
                log = ChildPipes.awaitOutput(draining, output, process.getErrorStream());
            } finally {
                ChildPipes.closeQuietly(process.getInputStream());
                markers.delete();
                services.releaseCgroups(cgroups);
            }
            Folders.deleteTree(directory);
            return log;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The exit code of a child that has ended. */
    int exitValue() {
        return process.exitValue();
    }

    /** The output so far, and how many bytes it has seen; empty before the child started. */
    Optional<LogCapture> output() {
        return Optional.ofNullable(output);
    }

    /** Kills the child and its descendants, for {@code reason}. */
    void stop(StopReason reason) {
        stop(reason, () -> { });
    }

    /**
     * Kills the child and its descendants, for {@code reason}, running {@code beforeKill} first if it
     * is alive and not being killed for that reason already: a cancel the database told of and one a
     * look at the row found can come a moment apart.
     */
    synchronized void stop(StopReason reason, Runnable beforeKill) {
        boolean again = stoppedBy == reason;
        // a cancel stays what stopped it: the task is cancelled, whatever comes after (a drain, say)
        if (stoppedBy != StopReason.CANCEL) {
            stoppedBy = reason;
        }
        Process running = process;
        if (running == null) {
            return;
        }
        if (running.isAlive() && !again) {
            beforeKill.run();
        }
        if (reason == StopReason.CANCEL) {
            killNotingCpu(running);
        } else {
            kill(running);
        }
    }

    private void kill(Process running) {
        services.kill(running, killedSessions);
    }

    /**
     * Kills a child whose attempt is recorded as it ends (at its timeout, over its memory cap, or
     * cancelled), reading first what its processes have used: a killed child reports nothing. A
     * drain or a discard records no attempt, and a discard happens on a task's way to its child.
     */
    private void killNotingCpu(Process running) {
        if (cpuMillisAtKill.get() < 0) {
            cpuMillisAtKill.compareAndSet(-1, ProcessTrees.cpuMillis(running));
        }
        kill(running);
    }

    /**
     * Tells the child its request and reads its report, until the last event or, when the child
     * dies without one, until its events pipe ends. A process the child started outside Java (a
     * native library's fork) may hold that pipe open after the child is gone: its report is then
     * taken as read so far, rather than waited for. Returns the JVM's PID where taskfork-child-init
     * runs it as its child (see {@link SessionServices#jvmOf}), read while the child takes its request.
     */
    private long converse(JsonNode request, ChildReport report) throws IOException, InterruptedException {
        CompletableFuture<Void> reading = services.read(report, process.getInputStream(), MAX_EVENT_BYTES);
        ChildPipes.hand(process, request);
        Future<?> pings = services.ping(process.getOutputStream());
        long jvm = services.jvmOf(process);
        try {
            CompletableFuture.anyOf(reading, process.onExit()).get();
            ChildPipes.awaitReport(reading, report);
        } catch (TimeoutException | ExecutionException e) {
            // held open by a stray process, or broken: what was read is kept
        } finally {
            pings.cancel(false);
        }
        return jvm;
    }
}
