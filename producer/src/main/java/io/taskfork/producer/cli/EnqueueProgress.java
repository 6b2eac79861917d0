package io.taskfork.producer.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * How far {@code enqueue} has come, on stderr: on a terminal, a bar redrawn in place with the count,
 * the rate and, when the input's size is known, the time left; elsewhere, a plain line after a
 * batch, at most once a second. Lines about bad input are printed above the bar.
 */
final class EnqueueProgress {

    static final Duration LINE_INTERVAL = Duration.ofSeconds(1);
    static final Duration BAR_INTERVAL = Duration.ofMillis(100);
    private static final int BAR_WIDTH = 30;
    private static final String CLEAR_LINE = "\r\033[K";
    private static final double NANOS_PER_SECOND = 1e9;

    private final PrintStream err;
    private final boolean terminal;
    private final long totalBytes;
    private final LongSupplier nanoTime;
    private final long started;
    private long shownAt;
    private boolean barShown;
    private long bytesDone;

    /**
     * @param totalBytes the size of the input, or -1 when it is not known (a pipe)
     * @param nanoTime   the clock, {@link System#nanoTime} but in tests
     */
    EnqueueProgress(PrintStream err, boolean terminal, long totalBytes, LongSupplier nanoTime) {
        this.err = err;
        this.terminal = terminal;
        this.totalBytes = totalBytes;
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
        this.shownAt = started;
    }

    /**
     * After a batch: {@code enqueued} tasks are in so far, from the first {@code bytesDone} bytes of
     * the input (those of the lines enqueued or skipped, not what a reader has buffered ahead).
     */
    void published(int enqueued, long bytesDone) {
        this.bytesDone = bytesDone;
        long now = nanoTime.getAsLong();
        if (now - shownAt < (terminal ? BAR_INTERVAL : LINE_INTERVAL).toNanos()) {
            return;
        }
        shownAt = now;
        double seconds = (now - started) / NANOS_PER_SECOND;
        if (terminal) {
            err.print(CLEAR_LINE + bar(enqueued, seconds));
            barShown = true;
        } else {
            err.println(line(enqueued, seconds));
        }
        err.flush();
    }

    /** A line about the input, such as a malformed line; the bar comes back with the next batch. */
    void report(String line) {
        clearBar();
        err.println(line);
    }

    /** Removes the bar, before the summary. */
    void finish() {
        clearBar();
    }

    String bar(int enqueued, double seconds) {
        StringBuilder bar = new StringBuilder();
        if (totalBytes > 0) {
            double done = Math.min(1.0, (double) bytesDone / totalBytes);
            int filled = (int) Math.round(done * BAR_WIDTH);
            bar.append('[').append("=".repeat(filled)).append(filled < BAR_WIDTH ? ">" : "")
                    .append(" ".repeat(Math.max(0, BAR_WIDTH - filled - 1))).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%  ", Math.round(done * 100)));
        }
        bar.append(Counted.of(enqueued, "task")).append("  ").append(rate(enqueued, seconds)).append(" tasks/s");
        left(seconds).ifPresent(left -> bar.append("  ETA ")
                .append(underASecond(left) ? "<1s" : ShortDuration.of(left)));
        return bar.toString();
    }

    String line(int enqueued, double seconds) {
        StringBuilder line = new StringBuilder("enqueued ").append(Counted.of(enqueued, "task")).append(" so far (");
        if (totalBytes > 0) {
            line.append(Math.round(Math.min(1.0, (double) bytesDone / totalBytes) * 100)).append("%, ");
        }
        line.append(rate(enqueued, seconds)).append(" tasks/s");
        left(seconds).ifPresent(left -> line.append(underASecond(left) ? ", <1s" : ", about " + ShortDuration.of(left))
                .append(" left"));
        return line.append(')').toString();
    }

    // "about 0ms" once all is read and the last batch is in flight: no time left worth an estimate
    private static boolean underASecond(Duration left) {
        return left.compareTo(Duration.ofSeconds(1)) < 0;
    }

    private static long rate(int enqueued, double seconds) {
        return seconds > 0 ? Math.round(enqueued / seconds) : 0;
    }

    /** The time left at the pace so far, by the bytes done; empty when the size is not known. */
    private Optional<Duration> left(double seconds) {
        if (totalBytes <= 0 || bytesDone <= 0) {
            return Optional.empty();
        }
        double remaining = seconds * Math.max(0, totalBytes - bytesDone) / bytesDone;
        return Optional.of(Duration.ofMillis(Math.round(remaining * 1000)));
    }

    private void clearBar() {
        if (barShown) {
            err.print(CLEAR_LINE);
            err.flush();
            barShown = false;
        }
    }
}
