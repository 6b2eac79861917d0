package io.taskfork.consumer.supervisor.launch;

import io.taskfork.shared.TaskforkException;

/** A child JVM could not be started at all: every task would fail the same way. */
public final class ChildStartException extends TaskforkException {

    public ChildStartException(int exitCode, String output) {
        super("a child JVM could not start (exit code " + exitCode + "): "
                + output.strip().lines().reduce((first, last) -> last).orElse("no output"));
    }
}
