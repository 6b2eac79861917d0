package io.taskfork.bench;

import io.taskfork.shared.config.Setting;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Phases c, c-bare and c-nostandby: no-op tasks end to end through taskfork. A supervisor is started with
 * {@code ops/taskfork consumer}, as a user would, with the no-op handler's jar as its handler
 * path; once it is healthy and has idled a moment (so that standby children, where they are on,
 * are warm), the tasks are enqueued with the producer library, and the phase ends when every row
 * has succeeded.
 *
 * <p>All enqueued at once, the tasks wait for JVM starts, which the CPU allows only so many of a
 * second: their delivery-to-handler times measure that backlog. So afterwards, with the same
 * supervisor, {@link #PACED_TASKS} more (no more than the phase's) are enqueued one at a time, {@link #PACE} apart (fewer a
 * second than the service can run), and their delivery-to-handler times are reported apart: what a
 * task waits for its child when children can keep up.
 *
 * <p>c and c-nostandby run with the defaults of containment and the memory cap, whatever the
 * environment says: a PID namespace per child where the host allows one, and the memory watch.
 * c-bare runs without either ({@code TASKFORK_CONTAINMENT=session}, {@code TASKFORK_TASK_MEMORY=off}),
 * so that c less c-bare is what that layer costs a task.
 */
final class SupervisorRun {

    private static final Duration IDLE_BEFORE_ENQUEUE = Duration.ofSeconds(2);
    private static final Duration STOP_WITHIN = Duration.ofSeconds(60);
    static final int PACED_TASKS = 40;
    static final Duration PACE = Duration.ofMillis(250);

    private final BenchEnvironment environment;
    private final Path launcher;
    private final Path handlerJar;

    SupervisorRun(BenchEnvironment environment, Path launcher, Path handlerJar) {
        this.environment = environment;
        this.launcher = launcher;
        this.handlerJar = handlerJar;
    }

    /** @param phase c, c-bare or c-nostandby */
    PhaseResult run(Phase phase, int tasks, Deadline deadline)
            throws PhaseFailedException, IOException, InterruptedException {
        int port = freePort();
        Path log = Files.createTempFile("taskfork-bench-supervisor-", ".log");
        SupervisorProcess supervisor = SupervisorProcess.start(launcher, variables(port, phase), log, port);
        try {
            supervisor.awaitHealthy(deadline);
            Thread.sleep(IDLE_BEFORE_ENQUEUE.toMillis());
            // The supervisor's CPU time and that of its children: those it reaped during the window
            // land in its cutime and cstime; those alive at either end are read one by one.
            ProcStat.Cpu before = ProcStat.tree(supervisor.handle());
            long ownBefore = ProcStat.of(supervisor.pid()).own();
            Instant start = Instant.now();
            List<Long> ids = environment.enqueue(tasks);
            // the supervisor's CPU from the look that found half the tasks done: once its JIT has warmed up
            long[] half = {-1, 0};
            new Completion(environment.database().jdbi()).await(ids, deadline, supervisor::trouble, succeeded -> {
                try {
                    half[1] = ProcStat.of(supervisor.pid()).own();
                    half[0] = succeeded;
                } catch (IOException gone) {
                    // the supervisor is gone: the next look says so
                }
            });
            ProcStat.Cpu after = ProcStat.tree(supervisor.handle());
            long ownAfter = ProcStat.of(supervisor.pid()).own();
            ProcStat.Memory memory = ProcStat.memory(supervisor.pid());
            Percentiles paced = paced(Math.min(tasks, PACED_TASKS), deadline, supervisor);
            int exitCode = supervisor.stop(STOP_WITHIN);
            if (exitCode != 0) {
                throw new PhaseFailedException("the supervisor exited with code " + exitCode + " after SIGTERM (log: "
                        + log + ")");
            }
            Latencies latencies = Latencies.of(environment.database().jdbi(), ids);
            double wall = Duration.between(start, latencies.lastFinished()).toNanos() / 1e9;
            double cpu = (after.total() - before.total()) / (double) Machine.clockTicks();
            Files.deleteIfExists(log);
            double own = (ownAfter - ownBefore) / (double) Machine.clockTicks();
            double secondHalf = half[0] < 0 || half[0] == tasks ? Double.NaN
                    : (ownAfter - half[1]) * 1000.0 / Machine.clockTicks() / (tasks - half[0]);
            return new PhaseResult(phase, tasks, wall, cpu, latencies, memory, paced, own, secondHalf);
        } catch (PhaseFailedException e) {
            throw new PhaseFailedException(e.getMessage() + (e.getMessage().contains(log.toString()) ? ""
                    : " (supervisor log: " + log + ")"), e);
        } finally {
            supervisor.close();
        }
    }

    private Percentiles paced(int count, Deadline deadline, SupervisorProcess supervisor)
            throws PhaseFailedException, InterruptedException {
        Thread.sleep(IDLE_BEFORE_ENQUEUE.toMillis());
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.addAll(environment.enqueue(1));
            Thread.sleep(PACE.toMillis());
        }
        new Completion(environment.database().jdbi()).await(ids, deadline, supervisor::trouble);
        return Latencies.of(environment.database().jdbi(), ids).deliveryToHandler();
    }

    private Map<String, String> variables(int port, Phase phase) throws IOException {
        Map<String, String> variables = new HashMap<>(BenchEnvironment.variables(System.getenv()));
        variables.put(Setting.METRICS_PORT.variable(), Integer.toString(port));
        variables.put(Setting.HANDLER_PATH.variable(), handlerJar.toString());
        // The supervisor runs on the children's JDK (ops/taskfork starts $JAVA_HOME/bin/java), so that
        // a run measures one JDK throughout.
        Path java = environment.settings().child().java();
        variables.put(Setting.CHILD_JAVA.variable(), java.toString());
        variables.put("JAVA_HOME", javaHome(java).toString());
        // The supervisor's defaults, except where the phase says otherwise.
        for (Setting setting : List.of(Setting.STANDBY, Setting.CONTAINMENT, Setting.TASK_MEMORY)) {
            variables.remove(setting.variable());
        }
        if (phase == Phase.C_NOSTANDBY) {
            variables.put(Setting.STANDBY.variable(), "false");
        } else if (phase == Phase.C_BARE) {
            variables.put(Setting.CONTAINMENT.variable(), "session");
            variables.put(Setting.TASK_MEMORY.variable(), "off");
        }
        return variables;
    }

    /** The JDK's home folder: {@code bin/java}'s grandparent, links resolved. */
    static Path javaHome(Path java) throws IOException {
        return java.toRealPath().getParent().getParent();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
