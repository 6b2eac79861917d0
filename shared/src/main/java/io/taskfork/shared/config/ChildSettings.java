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
 * @param handlerPath  jars or directories added to the children's classpath, never the supervisor's
 * @param logLimit     most bytes of a task's output kept in its log
 */
public record ChildSettings(Path java, String heap, Duration timeout, List<Path> handlerPath, int logLimit) {

    public ChildSettings {
        handlerPath = List.copyOf(handlerPath);
    }

    public ChildSettings withTimeout(Duration otherTimeout) {
        return new ChildSettings(java, heap, otherTimeout, handlerPath, logLimit);
    }

    public ChildSettings withHandlerPath(List<Path> otherPath) {
        return new ChildSettings(java, heap, timeout, otherPath, logLimit);
    }
}
