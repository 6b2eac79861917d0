package io.taskfork.shared.config;

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
    C1
}
