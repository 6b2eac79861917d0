package io.taskfork.consumer.testhandlers;

import io.taskfork.consumer.testing.LeftBehind;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A Java agent that starts the background process and the daemon of {@link LeftBehind} before the
 * child's main method, as a monitoring agent given in {@code TASKFORK_CHILD_JAVA_OPTIONS} might: a
 * standby child then leaves processes before it has a task. They are named by the agent's argument,
 * a dash, and the name of the child's working directory, which tells one child's from another's.
 */
public final class LeaveBehindAgent {

    private LeaveBehindAgent() {
    }

    public static void premain(String prefix) throws IOException, InterruptedException {
        String directory = Path.of(System.getProperty("user.dir")).getFileName().toString();
        new ProcessBuilder("bash", "-c", LeftBehind.shell(prefix + "-" + directory))
                .start()
                .waitFor();
    }
}
