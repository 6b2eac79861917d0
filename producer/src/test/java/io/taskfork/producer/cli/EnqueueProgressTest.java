package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EnqueueProgressTest {

    private static final long SECOND = 1_000_000_000L;

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(written, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong(0);

    @Test
    void aTerminalGetsABarRedrawnInPlaceWithCountRateAndTimeLeft() {
        EnqueueProgress progress = new EnqueueProgress(err, true, 1000, clock::get);

        clock.set(2 * SECOND);
        progress.published(500, 250);

        assertThat(text()).isEqualTo("\r\033[K[========>                     ]  25%  500 tasks  250 tasks/s  ETA 6.0s");
    }

    @Test
    void theBarMakesWayForALineAboutTheInputAndIsClearedAtTheEnd() {
        EnqueueProgress progress = new EnqueueProgress(err, true, -1, clock::get);
        clock.set(SECOND);
        progress.published(500, 250);

        progress.report("line 17: expected a JSON object, not an array");
        progress.finish();

        assertThat(text()).isEqualTo("\r\033[K500 tasks  500 tasks/s"
                + "\r\033[Kline 17: expected a JSON object, not an array\n");
    }

    @Test
    void elsewhereAPlainLineAtMostOnceASecond() {
        EnqueueProgress progress = new EnqueueProgress(err, false, 1000, clock::get);

        clock.set(SECOND / 2);
        progress.published(500, 250);
        clock.set(SECOND);
        progress.published(1000, 500);
        clock.set(SECOND + SECOND / 2);
        progress.published(1500, 500);
        progress.finish();

        assertThat(text()).isEqualTo("enqueued 1000 tasks so far (50%, 1000 tasks/s, about 1.0s left)\n");
    }

    @Test
    void fromAPipeThereIsNoShareAndNoTimeLeft() {
        EnqueueProgress progress = new EnqueueProgress(err, false, -1, clock::get);

        clock.set(2 * SECOND);
        progress.published(500, 123);

        assertThat(text()).isEqualTo("enqueued 500 tasks so far (250 tasks/s)\n");
    }

    @Test
    void oneTaskIsOneTaskAndUnderASecondLeftIsNoEstimate() {
        EnqueueProgress line = new EnqueueProgress(err, false, 1000, clock::get);
        clock.set(SECOND);
        line.published(1, 1000);
        EnqueueProgress bar = new EnqueueProgress(err, true, 1000, clock::get);
        clock.set(3 * SECOND);
        bar.published(1, 1000);

        assertThat(text()).isEqualTo("enqueued 1 task so far (100%, 1 tasks/s, <1s left)\n"
                + "\r\033[K[==============================] 100%  1 task  1 tasks/s  ETA <1s");
    }

    private String text() {
        return written.toString(StandardCharsets.UTF_8);
    }
}
