package io.taskfork.shared.config;

import java.util.Map;

/**
 * All settings of a taskfork process, built once in {@code main()} from the environment and the
 * command line, and validated there: a value that cannot be used never gets past start-up.
 */
public record Settings(
        AmqpSettings amqp, DbSettings db, ChildSettings child, RetrySettings retry, ServiceSettings service,
        HttpSettings http) {

    /** Settings from the environment, each overridden by a flag where one was given. */
    public static Settings load(Map<String, String> environment, Map<Setting, String> flags) {
        return new SettingsLoader(environment, flags).load();
    }

    public int metricsPort() {
        return service.metricsPort();
    }

    public int maxMessageBytes() {
        return service.maxMessageBytes();
    }

    /** Settings from the process environment alone. */
    public static Settings fromEnvironment() {
        return load(System.getenv(), Map.of());
    }
}
