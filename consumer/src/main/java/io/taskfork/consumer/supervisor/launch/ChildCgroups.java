package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroups of each child that hold its task to its limits: the process limit (pids) and the
 * kernel's memory limit (memory), each where the host offers a hierarchy of that controller that
 * the supervisor may make cgroups in. {@code taskfork-child-init} enters them before it forks
 * anything (told where by each limit's variable), so everything the task starts is in them. In
 * cgroup v1 each controller has a hierarchy, so a child has a cgroup in each; in v2 one cgroup holds
 * both. A cgroup that cannot be made costs the child that limit, never its start.
 */
final class ChildCgroups {

    private static final Logger LOG = LoggerFactory.getLogger(ChildCgroups.class);
    private static final long TRIAL_WITHIN_MS = 5_000;

    private final Optional<ProcessLimit> processes;
    private final Optional<MemoryLimit> memory;
    // each usable limit, with the folder of its hierarchy; in v2 both limits have the same folder
    private final Map<CgroupLimit, CgroupFolder> folders;
    // what each folder's children's cgroups are given, read once: a child's start makes them as they are
    private final Map<CgroupFolder, Map<String, String>> files = new LinkedHashMap<>();

    private ChildCgroups(Optional<ProcessLimit> processes, Optional<MemoryLimit> memory,
            Map<CgroupLimit, CgroupFolder> folders) {
        this.processes = processes;
        this.memory = memory;
        this.folders = folders;
        folders.forEach((limit, folder) ->
                files.computeIfAbsent(folder, made -> new LinkedHashMap<>()).putAll(limit.files(folder.own())));
    }

    /**
     * The cgroups of up to {@code most} processes (0 for none) and twice {@code memoryCapBytes} (0 for
     * none) of each child, where the host offers them and {@code childInit} (the program that starts
     * the children; empty when they start without it) enters one as a trial; each limit the host
     * cannot hold is said in a line, and left out.
     */
    static ChildCgroups open(int most, long memoryCapBytes, Optional<Path> childInit) {
        if (most <= 0) {
            LOG.info("process limit: off (TASKFORK_TASK_PROCESSES=off)");
        }
        // with the memory cap off, its own line says so
        Optional<ProcessLimit> processes = most > 0 ? Optional.of(new ProcessLimit(most)) : Optional.empty();
        Optional<MemoryLimit> memory = memoryCapBytes > 0 ? Optional.of(new MemoryLimit(memoryCapBytes))
                : Optional.empty();
        List<CgroupLimit> wanted = new ArrayList<>();
        processes.ifPresent(wanted::add);
        memory.ifPresent(wanted::add);
        // one folder for each hierarchy: in cgroup v2 the limits share it, and a child's cgroup in it
        Map<OwnCgroup, CgroupFolder> byHierarchy = new LinkedHashMap<>();
        Map<CgroupLimit, CgroupFolder> folders = new LinkedHashMap<>();
        for (CgroupLimit limit : wanted) {
            if (childInit.isEmpty()) {
                LOG.warn("{}: none, it needs {} ({})", limit.name(), Containment.CHILD_INIT, limit.setting());
                continue;
            }
            Optional<OwnCgroup> own = OwnCgroup.ofThisProcess(limit.controller());
            if (own.isEmpty()) {
                LOG.info("{}: none, this host offers no {} cgroup ({})", limit.name(), limit.controller(),
                        limit.setting());
                continue;
            }
            String failed;
            try {
                CgroupFolder folder = byHierarchy.get(own.get());
                if (folder == null) {
                    folder = CgroupFolder.open(own.get());
                    byHierarchy.put(own.get(), folder);
                }
                folder.enable(limit.controller());
                failed = trial(limit, folder, childInit.get());
                if (failed == null) {
                    folders.put(limit, folder);
                    LOG.info("{}: {} ({} cgroups in {})", limit.name(), limit.amount(), limit.controller(),
                            folder.folder());
                    continue;
                }
            } catch (IOException | RuntimeException e) {
                failed = e.toString();
            }
            LOG.info("{}: none, no {} cgroup can be made and entered in {} ({}) ({})", limit.name(),
                    limit.controller(), own.get().folder(), failed, limit.setting());
        }
        List<CgroupFolder> unused = new ArrayList<>(byHierarchy.values());
        unused.removeAll(folders.values());
        CgroupFolder.close(unused);
        return new ChildCgroups(processes, memory, folders);
    }

    /** What every child's start will do, once: a cgroup made with the limit, and entered; null when it went. */
    private static String trial(CgroupLimit limit, CgroupFolder folder, Path childInit) throws IOException {
        Path cgroup = folder.forChild(limit.files(folder.own()));
        try {
            ProcessBuilder builder = new ProcessBuilder(childInit.toString(), "session", "--", "true")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put(limit.variable(), cgroup.toString());
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
            folder.release(cgroup, null);
        }
    }

    /** Whether a child gets a cgroup of any limit. */
    boolean any() {
        return !folders.isEmpty();
    }

    /**
     * The cgroups of a child about to start, made with their limits. One that cannot be made is left
     * out, with a warning: the child then starts without that limit.
     */
    ChildCgroup forChild() {
        Map<CgroupLimit, Path> made = new LinkedHashMap<>();
        files.forEach((folder, itsFiles) -> {
            try {
                Path cgroup = folder.forChild(itsFiles);
                folders.forEach((limit, itsFolder) -> {
                    if (itsFolder == folder) {
                        made.put(limit, cgroup);
                    }
                });
            } catch (IOException | RuntimeException e) {
                LOG.warn("a child starts without its {}: its cgroup cannot be made in {} ({})",
                        folders.entrySet().stream().filter(limit -> limit.getValue() == folder)
                                .map(limit -> limit.getKey().name()).collect(Collectors.joining(" and ")),
                        folder.folder(), e.toString());
            }
        });
        return new ChildCgroup(made);
    }

    /** The process limit, when the child in {@code cgroups} reached it; -1 when it did not, or had none. */
    int processLimitReached(ChildCgroup cgroups) {
        return processes.flatMap(limit -> cgroups.of(limit).map(limit::reachedIn)).orElse(-1);
    }

    /**
     * What ended the child in {@code cgroups} when the kernel killed a process of it for its memory
     * (see {@link MemoryLimit#killedIn}); null when it did not.
     */
    MemorySeen memoryLimitKilled(ChildCgroup cgroups, long peakSeen) {
        return memory.flatMap(limit -> cgroups.of(limit).map(cgroup -> limit.killedIn(cgroup, peakSeen))).orElse(null);
    }

    /** Removes the cgroups of a child that has ended, or never started, trying again on {@code timer}. */
    void release(ChildCgroup cgroups, ScheduledExecutorService timer) {
        Set<Path> released = new HashSet<>();
        cgroups.byLimit().forEach((limit, cgroup) -> {
            if (released.add(cgroup)) {
                folders.get(limit).release(cgroup, timer);
            }
        });
    }

    /** Removes this launcher's folders, once its children have ended. */
    void close() {
        CgroupFolder.close(files.keySet());
    }

    /**
     * The cgroups of one child, by the limit each holds it to; in v2 one folder holds every limit.
     */
    record ChildCgroup(Map<CgroupLimit, Path> byLimit) {

        static final ChildCgroup NONE = new ChildCgroup(Map.of());

        Optional<Path> of(CgroupLimit limit) {
            return Optional.ofNullable(byLimit.get(limit));
        }

        /** Tells {@code taskfork-child-init}, through {@code environment}, which cgroups to enter. */
        void tell(Map<String, String> environment) {
            byLimit.forEach((limit, cgroup) -> environment.put(limit.variable(), cgroup.toString()));
        }
    }
}
