package io.taskfork.shared.task;

import java.util.Locale;

/**
 * Why a task did not succeed, as stored in {@code failure_kind}. {@code EXCEPTION},
 * {@code UNKNOWN_TYPE} and {@code DELIVERY_LIMIT} go with status {@code failed}; the others mean
 * the child died (status {@code crashed}).
 */
public enum FailureKind {
    EXCEPTION, UNKNOWN_TYPE, EXIT, SIGNAL, OOM, TIMEOUT, MEMORY, DELIVERY_LIMIT;

    public String value() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean isCrash() {
        return this == EXIT || this == SIGNAL || this == OOM || this == TIMEOUT || this == MEMORY;
    }

    public static FailureKind of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
