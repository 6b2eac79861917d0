package io.taskfork.shared.config;

import java.util.Locale;

/** How a taskfork process writes its log lines: {@code TASKFORK_LOG_FORMAT}. */
public enum LogFormat {
    /** One line of text per event, for a person at a terminal. */
    TEXT,
    /** One JSON object per line, for a log collector. */
    JSON;

    static LogFormat parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("expected text or json");
        };
    }
}
