package io.taskfork.shared.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * A logging event as one line of JSON: {@code timestamp} (ISO-8601, UTC), {@code level},
 * {@code logger}, {@code thread}, {@code message} (formatted), and, when they apply,
 * {@code task_id} (from the MDC, a number) and {@code exception} (the stack trace as text).
 *
 * <p>Logback's own JsonEncoder writes epoch milliseconds, the unformatted message with its
 * arguments apart and the MDC as a nested object: harder to read and to query than this.
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {

    private static final JsonFactory FACTORY = new JsonFactory();

    @Override
    public String doLayout(ILoggingEvent event) {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator json = FACTORY.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("logger", event.getLoggerName());
            json.writeStringField("thread", event.getThreadName());
            json.writeStringField("message", event.getFormattedMessage());
            writeTaskId(json, event.getMDCPropertyMap().get(LogSetup.TASK_ID));
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                json.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a log line as JSON", e);
        }
        return line.append('\n').toString();
    }

    private static void writeTaskId(JsonGenerator json, String taskId) throws IOException {
        if (taskId == null) {
            return;
        }
        try {
            json.writeNumberField(LogSetup.TASK_ID, Long.parseLong(taskId));
        } catch (NumberFormatException e) {
            json.writeStringField(LogSetup.TASK_ID, taskId);
        }
    }
}
