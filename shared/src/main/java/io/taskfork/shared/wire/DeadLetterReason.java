package io.taskfork.shared.wire;

import java.util.Locale;

/** The value of the {@code x-taskfork-reason} header of every dead-lettered message. */
public enum DeadLetterReason {
    EXCEPTION, EXIT, SIGNAL, OOM, TIMEOUT, MEMORY, MALFORMED, UNKNOWN_TASK, UNKNOWN_TYPE, TOO_LARGE, DELIVERY_LIMIT;

    public String value() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static DeadLetterReason of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
