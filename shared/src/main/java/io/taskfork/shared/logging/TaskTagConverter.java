package io.taskfork.shared.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %taskTag}: " [task 7]" on a line logged while task 7 is handled (the MDC key
 * {@link LogSetup#TASK_ID}), nothing on the others; what {@code %replace( [task
 * %X{task_id}]){' \[task \]', ''}} printed, without a regular expression run on every line.
 */
public final class TaskTagConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        String id = event.getMDCPropertyMap().get(LogSetup.TASK_ID);
        return id == null || id.isEmpty() ? "" : " [task " + id + "]";
    }
}
