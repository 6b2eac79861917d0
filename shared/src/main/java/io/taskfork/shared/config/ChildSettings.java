package io.taskfork.shared.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How each child JVM is started and bounded.
 *
 * @param java         the java executable that runs children
 * @param heap         the -Xmx value, such as {@code 256m}
 * @param timeout      a child running longer is killed with its whole process tree
 * @param memory       the most memory a task's processes may hold together
 * @param handlerPath  jars or directories added to the children's classpath, never the supervisor's
 * @param logLimit     most bytes of a task's output kept in its log
 * @param startup      how children are started: standby, JVM flags, start-up archives
 * @param work         where tasks work, and what the {@code exec} type may run
 */
public record ChildSettings(
        Path java, String heap, Duration timeout, TaskMemory memory, List<Path> handlerPath, int logLimit, StartupSettings startup,
        WorkSettings work) {

    public ChildSettings {
        handlerPath = List.copyOf(handlerPath);
    }
}
