package io.taskfork.shared.task;

import io.taskfork.shared.json.Json;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * When, where and under what condition a task runs; every part is optional (null).
 *
 * @param runAt     not before this: the task waits as {@code scheduled} until then
 * @param expiresAt a task not started by then never runs: it ends {@code expired}
 * @param uniqueKey while a task with this key is scheduled, queued, running or retrying, no other
 *                  is created with it
 * @param queue     the main queue the task is published to; null for the one of whoever publishes it
 */
public record TaskOptions(Instant runAt, Instant expiresAt, String uniqueKey, String queue) {

    public static final TaskOptions NONE = new TaskOptions(null, null, null, null);

    public TaskOptions {
        // characters as PostgreSQL and people count them: a character beyond the BMP (an emoji) is one
        if (uniqueKey != null && (uniqueKey.isEmpty() || uniqueKey.codePointCount(0, uniqueKey.length()) > MAX_KEY)) {
            throw new IllegalArgumentException("a unique key is 1 to " + MAX_KEY + " characters");
        }
        if (uniqueKey != null && uniqueKey.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a unique key cannot hold a NUL character (\\u0000)");
        }
    }

    /**
     * The options a new task asks for, refused when it would expire before it runs. A row's own are
     * not held to that: a retry's {@code run_at} may come after the expiry, which a task that has
     * started once no longer heeds.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static TaskOptions requested(Instant runAt, Instant expiresAt, String uniqueKey, String queue) {
        if (runAt != null && !keepable(runAt)) {
            throw new IllegalArgumentException("it would run at " + runAt + ", " + KEPT);
        }
        if (expiresAt != null && !keepable(expiresAt)) {
            throw new IllegalArgumentException("it would expire at " + expiresAt + ", " + KEPT);
        }
        if (runAt != null && expiresAt != null && !expiresAt.isAfter(runAt)) {
            throw new IllegalArgumentException("it would expire (" + expiresAt + ") no later than it runs (" + runAt + ")");
        }
        // A key is printed in one-line messages and log lines, which a newline or an escape would break.
        // Only a new task's: a row's key from before this check is read as it is.
        if (uniqueKey != null && uniqueKey.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a unique key cannot hold a control character (a newline, a tab, an"
                    + " escape, a NUL)");
        }
        // stored as "?", two such keys would be one
        String unstorable = uniqueKey == null ? null : Json.unstorable(uniqueKey);
        if (unstorable != null) {
            throw new IllegalArgumentException("a unique key cannot hold " + unstorable + ", which PostgreSQL cannot"
                    + " store");
        }
        return new TaskOptions(runAt, expiresAt, uniqueKey, queue);
    }

    /** The earliest and the latest time a task may name: PostgreSQL keeps no time far beyond them. */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    /** What a time out of range is told. */
    public static final String KEPT = "out of the range of times a task can have (" + EARLIEST + " to " + LATEST + ")";

    /**
     * {@code delay} from {@code now}, refused, naming it as {@code what}, when it comes to a time no
     * task can have (one past Java's own range as well).
     */
    public static Instant after(Instant now, Duration delay, String what) {
        try {
            Instant time = now.plus(delay);
            if (keepable(time)) {
                return time;
            }
        } catch (DateTimeException | ArithmeticException e) {
            // said below
        }
        throw new IllegalArgumentException(what + " is too long: it names a time " + KEPT);
    }

    /** Whether a task may name {@code time}. */
    public static boolean keepable(Instant time) {
        return !time.isBefore(EARLIEST) && !time.isAfter(LATEST);
    }

    /** Longest unique key accepted. */
    public static final int MAX_KEY = 200;

    public TaskOptions withQueue(String name) {
        return new TaskOptions(runAt, expiresAt, uniqueKey, name);
    }
}
