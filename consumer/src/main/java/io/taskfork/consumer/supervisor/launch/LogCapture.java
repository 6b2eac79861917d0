package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a child's output to its end and keeps at most {@code limit} bytes of it: the first half
 * and the last half, with a line between them that says how much was left out. The child is never
 * slowed by a full pipe, however much it prints. Memory is taken as output comes, not at the
 * limit: a supervisor holds one capture for each child, running or waiting, and at a limit of
 * 64 MiB eight of them held more than its heap before a byte was printed.
 */
final class LogCapture {

    private static final int READ_CHUNK = 8192;
    private static final int FIRST_CAPACITY = 4096;

    private final int headLimit;
    private final int tailLimit;
    private byte[] head = new byte[0];
    private int headLength;
    // Filled from its start until it reaches tailLimit; from then on a ring, whose next byte goes
    // at tailSeen % tailLimit, over the oldest.
    private byte[] tail = new byte[0];
    private long tailSeen;

    LogCapture(int limit) {
        this.headLimit = limit / 2;
        this.tailLimit = limit - limit / 2;
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
        int toHead = Math.min(length, headLimit - headLength);
        if (headLength + toHead > head.length) {
            head = Arrays.copyOf(head, grown(head.length, headLength + toHead, headLimit));
        }
        System.arraycopy(bytes, 0, head, headLength, toHead);
        headLength += toHead;
        int toTail = length - toHead;
        if (toTail > 0 && tail.length < tailLimit && tailSeen + toTail > tail.length) {
            // still filling from its start, so a copy keeps every byte in place
            tail = Arrays.copyOf(tail, grown(tail.length, tailSeen + toTail, tailLimit));
        }
        for (int i = toHead; i < length; i++) {
            tail[(int) (tailSeen++ % tail.length)] = bytes[i];
        }
    }

    /** Bytes of buffer held now. */
    synchronized long capacity() {
        return head.length + tail.length;
    }

    // Doubles, to at least what is needed, at most the limit.
    private static int grown(int capacity, long needed, int limit) {
        return (int) Math.min(limit, Math.max(needed, Math.max(FIRST_CAPACITY, 2L * capacity)));
    }

    /** All bytes seen, including those left out. */
    synchronized long total() {
        return headLength + tailSeen;
    }

    /**
     * The kept output as text: invalid UTF-8 replaced, NUL characters (PostgreSQL refuses them)
     * dropped. Made in one array of the kept bytes, decoded once: at a limit of tens of MiB each
     * copy counts in the supervisor's heap.
     */
    synchronized String text() {
        long kept = Math.min(tailSeen, tail.length);
        byte[] gap = tailSeen > kept
                ? ("\n[… " + (tailSeen - kept) + " bytes of output left out …]\n").getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        byte[] all = Arrays.copyOf(head, headLength + gap.length + (int) kept);
        System.arraycopy(gap, 0, all, headLength, gap.length);
        if (kept > 0) {
            // the ring's oldest byte is where its next one goes
            int oldest = (int) ((tailSeen - kept) % tail.length);
            int firstPart = (int) Math.min(kept, tail.length - oldest);
            System.arraycopy(tail, oldest, all, headLength + gap.length, firstPart);
            System.arraycopy(tail, 0, all, headLength + gap.length + firstPart, (int) kept - firstPart);
        }
        String text = new String(all, StandardCharsets.UTF_8);
        return text.indexOf('\0') < 0 ? text : text.replace("\0", "");
    }
}
