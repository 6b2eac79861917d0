package io.taskfork.producer.http;

import io.taskfork.shared.TaskforkException;

/** The port the API is to listen on is another process's: most often a second {@code serve} on the same host. */
public final class HttpPortTakenException extends TaskforkException {

    HttpPortTakenException(String bind, int port, Throwable cause) {
        super("cannot serve on " + bind + ":" + port + ": the port is taken by another process; give this one"
                + " a port of its own with --http-port or TASKFORK_HTTP_PORT", cause);
    }
}
