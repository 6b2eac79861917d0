package io.taskfork.shared.amqp;

import io.taskfork.shared.TaskforkException;

/** The broker could not be reached or refused the connection. */
public final class BrokerUnavailableException extends TaskforkException {

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
