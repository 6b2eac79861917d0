package io.taskfork.shared.config;

import java.nio.file.Path;
import java.util.List;

/**
 * How children are started.
 *
 * @param standby      keep children started ahead, each waiting for the one task it will run
 * @param javaOptions  more JVM flags for every child, after taskfork's own
 * @param cacheDir     where class-data-sharing archives of the children's classes are kept
 * @param containment  whether children may run in a PID namespace each, or without one
 * @param jit          which JIT compilers children run
 * @param processes    the most processes and threads a task may have at once; 0 for no limit
 */
public record StartupSettings(boolean standby, List<String> javaOptions, Path cacheDir, ChildContainment containment,
        ChildJit jit, int processes) {

    public StartupSettings {
        javaOptions = List.copyOf(javaOptions);
    }
}
