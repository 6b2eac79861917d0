package io.taskfork.consumer.child;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.handler.ProgressReporter;
import io.taskfork.shared.handler.TaskContext;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/** The context a handler gets inside its child JVM. */
final class ChildTaskContext implements TaskContext {

    private final long taskId;
    private final int attempt;
    private final JsonNode payload;
    // A path string until a handler asks: the first Path a JVM makes loads its file system and libnio.
    private final String workDirectory;
    private final ProgressReporter progress;
    private final System.Logger logger = new TaskLogger();

    ChildTaskContext(long taskId, int attempt, JsonNode payload, String workDirectory, ProgressReporter progress) {
        this.taskId = taskId;
        this.attempt = attempt;
        this.payload = payload;
        this.workDirectory = workDirectory;
        this.progress = progress;
    }

    @Override
    public long taskId() {
        return taskId;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public JsonNode payload() {
        return payload;
    }

    @Override
    public Path workDirectory() {
        return Path.of(workDirectory);
    }

    @Override
    public ProgressReporter progress() {
        return progress;
    }

    @Override
    public System.Logger logger() {
        return logger;
    }

    /** Writes "LEVEL message" lines to stderr, which is the task's log. */
    private static final class TaskLogger implements System.Logger {

        @Override
        public String getName() {
            return "task";
        }

        @Override
        public boolean isLoggable(Level level) {
            return level != Level.OFF;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            System.err.println(level.getName() + " " + message);
            if (thrown != null) {
                thrown.printStackTrace(System.err);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            System.err.println(level.getName() + " " + (params == null || params.length == 0
                    ? format : MessageFormat.format(format, params)));
        }

        @Override
        public void log(Level level, Supplier<String> message) {
            System.err.println(level.getName() + " " + message.get());
        }
    }
}
