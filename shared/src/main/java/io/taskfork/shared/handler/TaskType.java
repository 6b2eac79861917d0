package io.taskfork.shared.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The task type a {@link TaskHandler} runs, as in the {@code type} column. With it, taskfork learns
 * the type without loading the class: a handler whose static initializer fails then fails only its
 * own tasks, with the reason, instead of vanishing from the list of types.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface TaskType {

    /** Letters, digits, '.', '_', ':' or '-'; at most 100 characters. */
    String value();
}
