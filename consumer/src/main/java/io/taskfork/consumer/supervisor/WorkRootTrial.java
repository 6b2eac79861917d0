package io.taskfork.consumer.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Makes a folder in TASKFORK_WORK_DIR once at start, as every task's start will: a work root that
 * cannot hold one would have every task wait for a start that never comes, while the supervisor
 * looked healthy.
 */
public final class WorkRootTrial {

    private WorkRootTrial() {
    }

    /** Why tasks cannot work in {@code root}, in one line; empty when they can. */
    public static Optional<String> problem(Path root) {
        try {
            Files.createDirectories(root);
            Files.delete(Files.createTempDirectory(root, ".trial-"));
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.of("TASKFORK_WORK_DIR=" + root + ": tasks cannot work there, no folder can be made in it ("
                    + e + ")");
        }
    }
}
