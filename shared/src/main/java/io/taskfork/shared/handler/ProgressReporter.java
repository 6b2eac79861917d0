package io.taskfork.shared.handler;

/** How far a task has come. What it reports reaches the task's row within a second. */
@FunctionalInterface
public interface ProgressReporter {

    /**
     * @param percent 0 to 100; values outside are clamped
     * @param message a short human line, or null
     */
    void report(int percent, String message);
}
