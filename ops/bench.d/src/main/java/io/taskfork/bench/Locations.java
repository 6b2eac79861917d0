package io.taskfork.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the bench finds what it starts: the project's launcher {@code ops/taskfork}, found above
 * the bench jar, and {@code taskfork-bench-handler.jar} beside it, the supervisor's handler path:
 * the no-op handler and its service file, and no Class-Path for a child to follow.
 */
record Locations(Path launcher, Path handlerJar) {

    static final String HANDLER_JAR = "taskfork-bench-handler.jar";

    static Locations find() {
        Path jar;
        try {
            jar = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the bench jar", e);
        }
        Path handlerJar = jar.resolveSibling(HANDLER_JAR);
        if (!Files.isRegularFile(handlerJar)) {
            throw new IllegalStateException("no " + handlerJar + ": build the bench with mvn -B -q package -DskipTests");
        }
        for (Path folder = jar.getParent(); folder != null; folder = folder.getParent()) {
            Path launcher = folder.resolve("ops").resolve("taskfork");
            if (Files.isExecutable(launcher)) {
                return new Locations(launcher, handlerJar);
            }
        }
        throw new IllegalStateException("no ops/taskfork above " + jar + ": run the bench from the project");
    }
}
