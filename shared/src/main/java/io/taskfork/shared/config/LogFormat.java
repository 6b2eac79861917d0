package io.taskfork.shared.config;

/** How a taskfork process writes its log lines: {@code TASKFORK_LOG_FORMAT}. */
public enum LogFormat {
    /** One line of text per event, for a person at a terminal. */
    TEXT,
    /** One JSON object per line, for a log collector. */
    JSON
}
