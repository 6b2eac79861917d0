package io.taskfork.shared.config;

import java.util.Locale;

/**
 * {@code TASKFORK_CHILD_JIT}: which just-in-time compilers a child JVM runs.
 *
 * <p>{@code auto}, the default, gives C1 alone to the children of a type whose last tasks all
 * returned quickly, and the tiered JIT (C1, then C2 for hot code) to the others. {@code tiered}
 * gives every child the tiered JIT, as a JVM has by default; {@code c1} gives every child C1 alone.
 */
public enum ChildJit {
    AUTO,
    TIERED,
    C1;

    /** As the setting spells it. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ChildJit parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "tiered" -> TIERED;
            case "c1" -> C1;
            default -> throw new IllegalArgumentException("expected auto, tiered or c1");
        };
    }
}
