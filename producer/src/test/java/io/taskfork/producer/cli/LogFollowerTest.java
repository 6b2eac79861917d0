package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogFollowerTest {

    private final LogFollower follower = new LogFollower();

    @Test
    void aGrowingLogYieldsOnlyWhatWasAdded() {
        assertThat(follower.next("one\n", false)).isEqualTo("one\n");
        assertThat(follower.next("one\ntwo\n", false)).isEqualTo("two\n");
        assertThat(follower.next("one\ntwo\n", false)).isEmpty();
        assertThat(follower.next("one\ntwo\nthree", true)).isEqualTo("three");
    }

    @Test
    void aMovedTailYieldsOnlyTheBytesItAdded() {
        String output = lines(0, 40);
        follower.next(capture(output, 100), false);

        String more = output + lines(40, 43);
        String fresh = follower.next(capture(more, 100), false);

        assertThat(fresh).isEqualTo(lines(40, 43));
    }

    @Test
    void aTailThatMovedPastWhatWasShownIsAnnouncedAsTruncated() {
        String output = lines(0, 40);
        follower.next(capture(output, 100), false);

        String much = output + lines(40, 400);
        String fresh = follower.next(capture(much, 100), false);

        String tail = tailOf(much, 50);
        assertThat(fresh).isEqualTo(LogFollower.TRUNCATED + "\n" + tail);
    }

    @Test
    void theFirstLookAtACapturedLogShowsItsHeadThenItsTailBelowAMarker() {
        String output = lines(0, 40);

        String fresh = follower.next(capture(output, 100), false);

        assertThat(headOf(output, 50)).endsWith("\n");
        assertThat(fresh).isEqualTo(headOf(output, 50) + LogFollower.TRUNCATED + "\n" + tailOf(output, 50));
    }

    @Test
    void aLogThatShrankOrChangedIsShownAgainBelowAMarker() {
        follower.next("first attempt\n", false);

        assertThat(follower.next("second\n", false)).isEqualTo(LogFollower.REWRITTEN + "\nsecond\n");
    }

    @Test
    void aCharacterCutShortAtTheEndIsShownOnceItIsWhole() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        String cut = "price: " + new String(euro, 0, 2, StandardCharsets.UTF_8);

        assertThat(follower.next(cut, false)).isEqualTo("price: ");
        assertThat(follower.next("price: €5\n", false)).isEqualTo("€5\n");
    }

    @Test
    void aMarkerStartsALineOfItsOwn() {
        follower.next("no newline", false);

        assertThat(follower.next("other", false)).isEqualTo("\n" + LogFollower.REWRITTEN + "\nother");
    }

    @Test
    void aTailThatBeginsInsideACharacterStillLinesUpWithWhatWasShown() {
        String output = "€".repeat(60);
        follower.next(captureBytes(output, 100), false);

        String fresh = follower.next(captureBytes(output + "€€ done\n", 100), false);

        assertThat(fresh).isEqualTo("€€ done\n");
    }

    private static String lines(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            text.append("l").append(i).append('\n');
        }
        return text.toString();
    }

    /** The text LogCapture keeps of {@code output} (ASCII here) with a limit of {@code limit} bytes. */
    private static String capture(String output, int limit) {
        int half = limit / 2;
        if (output.length() <= limit) {
            return output;
        }
        return headOf(output, half) + "\n[… " + (output.length() - 2 * half) + " bytes of output left out …]\n"
                + tailOf(output, half);
    }

    /** As LogCapture keeps it: whole bytes, so that a character may be cut at either end of the tail. */
    private static String captureBytes(String output, int limit) {
        byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
        int half = limit / 2;
        return new String(bytes, 0, half, StandardCharsets.UTF_8) + "\n[… " + (bytes.length - 2 * half)
                + " bytes of output left out …]\n" + new String(bytes, bytes.length - half, half, StandardCharsets.UTF_8);
    }

    private static String headOf(String text, int bytes) {
        return text.substring(0, bytes);
    }

    private static String tailOf(String text, int bytes) {
        return text.substring(text.length() - bytes);
    }
}
