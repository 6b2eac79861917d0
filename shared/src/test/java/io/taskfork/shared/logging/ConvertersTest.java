package io.taskfork.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvertersTest {

    private static final DateTimeFormatter DATE_PATTERN =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    @Test
    void clockPrintsWhatTheDatePatternPrints() {
        ClockConverter clock = new ClockConverter();
        long[] times = {0, 999, 1_000, 1_733_400_000_007L, 1_733_400_000_070L, 1_733_400_000_700L, 1_733_400_001_000L,
            1_733_400_000_999L, -1L};
        for (long millis : times) {
            assertThat(clock.convert(event(millis, Map.of()))).as("at %d", millis)
                    .isEqualTo(DATE_PATTERN.format(Instant.ofEpochMilli(millis)));
        }
    }

    @Test
    void taskTagNamesTheTaskOnlyWhereThereIsOne() {
        TaskTagConverter tag = new TaskTagConverter();
        assertThat(tag.convert(event(0, Map.of(LogSetup.TASK_ID, "42")))).isEqualTo(" [task 42]");
        assertThat(tag.convert(event(0, Map.of()))).isEmpty();
        assertThat(tag.convert(event(0, Map.of(LogSetup.TASK_ID, "")))).isEmpty();
    }

    private static LoggingEvent event(long millis, Map<String, String> mdc) {
        LoggingEvent event = new LoggingEvent("test", new LoggerContext().getLogger("test"), Level.INFO, "m", null, null);
        event.setTimeStamp(millis);
        event.setMDCPropertyMap(mdc);
        return event;
    }
}
