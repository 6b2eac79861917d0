/**
 * The API a handler is written against: {@link io.taskfork.shared.handler.TaskHandler},
 * {@link io.taskfork.shared.handler.TaskType}, {@link io.taskfork.shared.handler.TaskContext},
 * {@link io.taskfork.shared.handler.ProgressReporter} and
 * {@link io.taskfork.shared.handler.NonRetryableException}. Compile against the
 * {@code taskfork-shared} jar; at run time the child JVM provides it and Jackson.
 */
package io.taskfork.shared.handler;
