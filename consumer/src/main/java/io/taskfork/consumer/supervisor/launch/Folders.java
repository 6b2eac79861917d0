package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes the folders children leave behind. */
final class Folders {

    private Folders() {
    }

    /**
     * Makes {@code folder}, and its parents, unless it is there. One {@code stat} when it is: {@link
     * Files#createDirectories} first tries to make it and throws and catches an exception when it
     * exists, which costs more than the look, on every task.
     */
    static void ensure(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
        }
    }

    /** Deletes {@code folder} and everything in it; nothing happens when it does not exist. */
    static void deleteTree(Path folder) throws IOException {
        try {
            // Most folders are empty or gone (a task that wrote nothing, a waiting child's folder):
            // two system calls then, where a walk takes a dozen, several times for every task.
            Files.deleteIfExists(folder);
            return;
        } catch (DirectoryNotEmptyException full) {
            // emptied below
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
