package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogCaptureTest {

    @Test
    void shortOutputIsKeptWhole() throws IOException {
        LogCapture capture = new LogCapture(1024);
        capture.consume(stream("hello\nworld\n"));

        assertThat(capture.text()).isEqualTo("hello\nworld\n");
        assertThat(capture.total()).isEqualTo(12);
    }

    @Test
    void outputJustOverHalfTheLimitIsKeptWholeAndInOrder() throws IOException {
        LogCapture capture = new LogCapture(10);
        capture.consume(stream("abcdefgh"));

        assertThat(capture.text()).isEqualTo("abcdefgh");
    }

    @Test
    void longOutputKeepsHeadAndTailAndSaysWhatWasLeftOut() throws IOException {
        LogCapture capture = new LogCapture(10);
        capture.consume(stream("HEAD-" + "m".repeat(100) + "-TAIL"));

        assertThat(capture.text()).isEqualTo("HEAD-\n[… 100 bytes of output left out …]\n-TAIL");
    }

    @Test
    void outputArrivingInPiecesEndsTheSameAsAtOnce() {
        LogCapture pieces = new LogCapture(16);
        String text = "0123456789abcdefghijklmnopqrstuvwxyz";
        for (char c : text.toCharArray()) {
            pieces.append(new byte[] {(byte) c}, 1);
        }
        LogCapture whole = new LogCapture(16);
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        whole.append(bytes, bytes.length);

        assertThat(pieces.text()).isEqualTo(whole.text()).startsWith("01234567").endsWith("stuvwxyz");
    }

    @Test
    void memoryIsTakenAsOutputComesNotAtTheLimit() {
        LogCapture capture = new LogCapture(64 << 20);
        assertThat(capture.capacity()).as("before any output").isZero();

        byte[] line = "a line of output\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 100; i++) {
            capture.append(line, line.length);
        }

        assertThat(capture.capacity()).as("after 1,700 bytes").isLessThanOrEqualTo(8192);
        assertThat(capture.text()).hasSize(1700);
    }

    @Test
    void aGrowingTailKeepsItsOrderUntilItWraps() {
        LogCapture capture = new LogCapture(1 << 16);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 30_000; i++) {
            byte[] piece = (i + ",").getBytes(StandardCharsets.US_ASCII);
            capture.append(piece, piece.length);
            all.append(i).append(',');
        }
        String text = capture.text();

        assertThat(capture.capacity()).isEqualTo(1 << 16);
        assertThat(text).startsWith(all.substring(0, 1 << 15)).endsWith(all.substring(all.length() - (1 << 15)))
                .contains("bytes of output left out");
    }

    @Test
    void nulBytesAreDroppedBecausePostgresTextRefusesThem() throws IOException {
        LogCapture capture = new LogCapture(64);
        capture.consume(new ByteArrayInputStream(new byte[] {'a', 0, 'b'}));

        assertThat(capture.text()).isEqualTo("ab");
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
