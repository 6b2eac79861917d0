package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a child's output to its end and keeps at most {@code limit} bytes of it: the first half
 * and the last half, with a line between them that says how much was left out. The child is never
 * slowed by a full pipe, however much it prints.
 */
final class LogCapture {

    private static final int READ_CHUNK = 8192;

    private final byte[] head;
    private final byte[] tail;
    private int headLength;
    private long total;

    LogCapture(int limit) {
        this.head = new byte[limit / 2];
        this.tail = new byte[limit - limit / 2];
    }

    /** Reads {@code output} until its end. */
    void consume(InputStream output) throws IOException {
        byte[] chunk = new byte[READ_CHUNK];
        int read;
        while ((read = output.read(chunk)) >= 0) {
            append(chunk, read);
        }
    }

    synchronized void append(byte[] bytes, int length) {
        int toHead = Math.min(length, head.length - headLength);
        System.arraycopy(bytes, 0, head, headLength, toHead);
        long tailPosition = total - headLength;
        headLength += toHead;
        for (int i = toHead; i < length; i++) {
            tail[(int) (tailPosition++ % tail.length)] = bytes[i];
        }
        total += length;
    }

    /** All bytes seen, including those left out. */
    synchronized long total() {
        return total;
    }

    /** The kept output as text: invalid UTF-8 replaced, NUL characters (PostgreSQL refuses them) dropped. */
    synchronized String text() {
        StringBuilder text = new StringBuilder(new String(head, 0, headLength, StandardCharsets.UTF_8));
        long tailBytes = total - headLength;
        if (tailBytes > 0) {
            long kept = Math.min(tailBytes, tail.length);
            if (tailBytes > kept) {
                text.append("\n[… ").append(tailBytes - kept).append(" bytes of output left out …]\n");
            }
            byte[] ordered = new byte[(int) kept];
            long start = (tailBytes - kept) % tail.length;
            for (int i = 0; i < kept; i++) {
                ordered[i] = tail[(int) ((start + i) % tail.length)];
            }
            text.append(new String(ordered, StandardCharsets.UTF_8));
        }
        return text.toString().replace("\0", "");
    }
}
