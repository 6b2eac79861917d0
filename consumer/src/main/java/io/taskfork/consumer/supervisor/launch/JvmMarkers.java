package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files a child's JVM leaves only when it dies of itself: the marker its OutOfMemoryError hook
 * touches, and its fatal error log. Named for the child in the supervisor's work folder, not in a
 * folder of the child's own, whose making and removing cost every task two directory operations.
 *
 * @param oom           touched by {@code -XX:OnOutOfMemoryError}
 * @param fatalErrorLog the {@code -XX:ErrorFile}
 */
record JvmMarkers(Path oom, Path fatalErrorLog) {

    /** The markers of the child called {@code name}, in {@code folder}. */
    static JvmMarkers of(Path folder, String name) {
        return new JvmMarkers(folder.resolve(name + ".oom"), folder.resolve(name + ".hs_err.log"));
    }

    void delete() throws IOException {
        try {
            Files.deleteIfExists(oom);
        } finally {
            Files.deleteIfExists(fatalErrorLog);
        }
    }
}
