package io.taskfork.shared.config;

import java.util.Locale;

/**
 * {@code TASKFORK_CONTAINMENT}: what keeps a task from leaving processes running after it.
 *
 * <p>{@code auto}, the default, takes the strongest the host offers: a PID namespace per child where
 * {@code unshare} works, else the child's process tree, kept by {@code taskfork-child-init} as its
 * subreaper (without it, the child's session). {@code session} takes that even where {@code unshare}
 * works: for a host whose {@code unshare} misbehaves, and to measure what the namespace costs each
 * child ({@code ops/bench}, phase c-bare).
 */
public enum ChildContainment {
    AUTO,
    SESSION;

    /** As the setting spells it. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
