package io.taskfork.consumer.supervisor.metrics;

import io.taskfork.shared.TaskforkException;

/** The port for /metrics is another process's: most often a second supervisor on the same host. */
public final class MetricsPortTakenException extends TaskforkException {

    MetricsPortTakenException(int port, Throwable cause) {
        super("cannot start: the metrics port " + port + " is taken by another process; give this supervisor"
                + " one of its own with --metrics-port or TASKFORK_METRICS_PORT (0 turns /metrics off)", cause);
    }
}
