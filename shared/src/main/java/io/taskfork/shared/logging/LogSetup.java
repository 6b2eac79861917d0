package io.taskfork.shared.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.taskfork.shared.config.LogFormat;
import java.util.Iterator;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Puts a process's log lines in the format of {@code TASKFORK_LOG_FORMAT}. The text format is the
 * one the logback configuration writes; for JSON, each appender that writes a stream keeps its
 * target and its levels and gets a {@link JsonLayout}. This runs once the settings are read, which
 * is after logback configured itself: a flag can choose the format, not only the variable.
 */
public final class LogSetup {

    /** The MDC key of the task a log line is about, while a supervisor thread works on one. */
    public static final String TASK_ID = "task_id";

    private LogSetup() {
    }

    /** Writes the log lines of this process in {@code format} from now on. */
    public static void use(LogFormat format) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (format == LogFormat.JSON && factory instanceof LoggerContext context) {
            useJson(context);
        }
    }

    /** Gives every stream appender of {@code context} a JSON layout: {@link #use} for a context of one's own. */
    public static void useJson(LoggerContext context) {
        for (Logger logger : context.getLoggerList()) {
            for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext();) {
                if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender
                        && !(appender.getEncoder() instanceof LayoutWrappingEncoder<ILoggingEvent> wrapping
                                && wrapping.getLayout() instanceof JsonLayout)) {
                    Encoder<ILoggingEvent> previous = appender.getEncoder();
                    appender.setEncoder(jsonEncoder(context));
                    if (previous != null) {
                        previous.stop();
                    }
                }
            }
        }
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        JsonLayout layout = new JsonLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(java.nio.charset.StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }
}
