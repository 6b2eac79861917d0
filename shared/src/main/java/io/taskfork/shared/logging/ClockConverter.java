package io.taskfork.shared.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * {@code %clock}: the event's local time as {@code HH:mm:ss.SSS}, what {@code %d{HH:mm:ss.SSS}}
 * prints. logback's date converter runs a {@code DateTimeFormatter} for every new millisecond, and
 * its fraction printer divides {@code BigDecimal}s: most of the cost of a supervisor's log line.
 * Here the formatter runs once a second and the milliseconds are appended.
 */
public final class ClockConverter extends ClassicConverter {

    private final ZoneId zone = ZoneId.systemDefault();
    private long second = Long.MIN_VALUE;
    private String secondText = "";

    @Override
    public String convert(ILoggingEvent event) {
        long millis = event.getTimeStamp();
        long thisSecond = Math.floorDiv(millis, 1000);
        int milli = (int) Math.floorMod(millis, 1000);
        String text;
        synchronized (this) {
            if (thisSecond != second) {
                LocalTime time = LocalTime.ofInstant(Instant.ofEpochSecond(thisSecond), zone);
                secondText = String.format("%02d:%02d:%02d.", time.getHour(), time.getMinute(), time.getSecond());
                second = thisSecond;
            }
            text = secondText;
        }
        StringBuilder line = new StringBuilder(12).append(text);
        if (milli < 100) {
            line.append('0');
        }
        if (milli < 10) {
            line.append('0');
        }
        return line.append(milli).toString();
    }
}
