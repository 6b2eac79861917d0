package io.taskfork.shared.task;

import java.util.Locale;

/** The status column of a task row. Values are part of the contract: scripts match on them. */
public enum TaskStatus {
    SCHEDULED, QUEUED, RUNNING, RETRYING, SUCCEEDED, FAILED, CRASHED, CANCELLED, EXPIRED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CRASHED || this == CANCELLED || this == EXPIRED;
    }

    public static TaskStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
