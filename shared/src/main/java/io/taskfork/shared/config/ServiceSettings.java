package io.taskfork.shared.config;

import java.time.Duration;

/**
 * How the supervisor serves.
 *
 * @param metricsPort     port of /metrics and /healthz; 0 disables them
 * @param metricsBind     the address they listen on; empty for every interface
 * @param maxMessageBytes larger message bodies are dead-lettered as too-large
 * @param shutdownGrace   on SIGTERM, how long running children may finish before they are killed
 * @param outboxAge       a queued task this old whose message was never confirmed is published again
 * @param logFormat       how log lines are written, the supervisor's and the command line's
 * @param typeLimits      the most tasks of a type running at once, across every supervisor
 */
public record ServiceSettings(int metricsPort, String metricsBind, int maxMessageBytes, Duration shutdownGrace,
        Duration outboxAge, LogFormat logFormat, TypeLimits typeLimits) {
}
