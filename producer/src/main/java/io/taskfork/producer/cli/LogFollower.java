package io.taskfork.producer.cli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a reader of a task's log has not seen yet, as the log column changes. The column holds the
 * whole output while it is small; past {@code TASKFORK_LOG_LIMIT}, its first half and its last,
 * with a line between them that counts the bytes left out (the consumer's LogCapture), and that
 * tail moves on as the task prints. Places in the output are counted in bytes, as that line counts
 * them: what a moved tail still shows is not printed twice, and what it skipped is announced.
 */
final class LogFollower {

    static final String TRUNCATED = "--- output truncated, showing the tail ---";
    static final String REWRITTEN = "--- output rewritten, showing it again ---";

    private Snapshot seen = Snapshot.of("", false);
    private boolean atLineStart = true;

    /**
     * The part of {@code text} not shown yet, with a marker line where output was skipped or the
     * text is not a continuation of what was shown.
     *
     * @param complete the text is final: a character cut short at its end is not waited for
     */
    String next(String text, boolean complete) {
        Snapshot now = Snapshot.of(text, complete);
        StringBuilder fresh = new StringBuilder();
        long from = seen.end();
        if (!now.continues(seen)) {
            marker(fresh, REWRITTEN);
            from = 0;
        }
        for (Segment segment : now.segments()) {
            if (segment.end() <= from) {
                continue;
            }
            if (segment.start() > from) {
                marker(fresh, TRUNCATED);
            }
            fresh.append(segment.text(from));
            from = segment.end();
        }
        seen = now;
        if (!fresh.isEmpty()) {
            atLineStart = fresh.charAt(fresh.length() - 1) == '\n';
        }
        return fresh.toString();
    }

    private void marker(StringBuilder fresh, String marker) {
        boolean lineStarted = fresh.isEmpty() ? !atLineStart : fresh.charAt(fresh.length() - 1) != '\n';
        fresh.append(lineStarted ? "\n" : "").append(marker).append('\n');
    }

    /** Bytes of the output, from byte {@code start} on. */
    private record Segment(long start, byte[] bytes) {

        long end() {
            return start + bytes.length;
        }

        String text(long from) {
            int offset = (int) Math.max(0, from - start);
            return new String(bytes, offset, bytes.length - offset, StandardCharsets.UTF_8);
        }
    }

    /** A log text as the segments of the output it shows: the whole, or a head and a tail. */
    private record Snapshot(List<Segment> segments) {

        // The line LogCapture puts between the head and the tail.
        private static final Pattern LEFT_OUT = Pattern.compile("\n\\[… (\\d+) bytes of output left out …]\n");
        // What a UTF-8 decoder puts for each byte of a character cut short.
        private static final char REPLACEMENT = '\uFFFD';

        static Snapshot of(String text, boolean complete) {
            Matcher leftOut = LEFT_OUT.matcher(text);
            if (!leftOut.find()) {
                return new Snapshot(List.of(new Segment(0, bytes(unfinished(text, complete)))));
            }
            byte[] head = bytes(text.substring(0, leftOut.start()));
            String tail = unfinished(text.substring(leftOut.end()), complete);
            // The tail may begin inside a character: each of its remaining bytes decoded as one replacement.
            int cut = 0;
            while (cut < tail.length() && tail.charAt(cut) == REPLACEMENT) {
                cut++;
            }
            long tailStart = head.length + Long.parseLong(leftOut.group(1)) + cut;
            return new Snapshot(List.of(new Segment(0, head), new Segment(tailStart, bytes(tail.substring(cut)))));
        }

        long end() {
            return segments.get(segments.size() - 1).end();
        }

        /** True when this shows the output that {@code before} showed, where both show it, and more or as much. */
        boolean continues(Snapshot before) {
            if (end() < before.end()) {
                return false;
            }
            for (Segment mine : segments) {
                for (Segment theirs : before.segments) {
                    long from = Math.max(mine.start(), theirs.start());
                    long to = Math.min(mine.end(), theirs.end());
                    if (from < to && !Arrays.equals(mine.bytes(), (int) (from - mine.start()), (int) (to - mine.start()),
                            theirs.bytes(), (int) (from - theirs.start()), (int) (to - theirs.start()))) {
                        return false;
                    }
                }
            }
            return true;
        }

        // A running task's text may end inside a character, which the next look shows whole.
        private static String unfinished(String text, boolean complete) {
            int end = text.length();
            while (!complete && end > 0 && text.charAt(end - 1) == REPLACEMENT) {
                end--;
            }
            return text.substring(0, end);
        }

        private static byte[] bytes(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }
}
