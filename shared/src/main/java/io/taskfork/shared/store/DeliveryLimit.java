package io.taskfork.shared.store;

import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * Ends the row of a task whose message goes to the dead-letter queue at the delivery limit. A dead
 * letter is never run by itself, so a row left waiting or running would never end: {@code wait}
 * would hang, and a queued row would look as if its message were on its way. So it ends
 * {@code failed} with failure kind {@code delivery-limit}, as a dead-lettered task does, and
 * {@code dlq replay} runs it again.
 */
public final class DeliveryLimit {

    /** What the row becomes; {@code :error} says why, in one line. */
    public static final String ENDED = "status = 'failed', failure_kind = 'delivery-limit', error = :error,"
            + " finished_at = now()";

    // A row running on a live supervisor, or whose handler returned, is not this message's to end:
    // the message is a stale copy, and the run goes on or is recorded succeeded.
    private static final String END = "update tasks set " + ENDED + " where id = :id"
            + " and (status = 'queued' or (status = 'retrying' and run_at is null)"
            + " or (status = 'running' and result is null and " + TaskStore.RUNNER_GONE + "))";

    private final Jdbi jdbi;

    DeliveryLimit(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Ends task {@code id} at its message's delivery limit, if it waits to run or its runner is gone.
     *
     * @param staleAfter a row running for longer than this lost its runner
     * @return false when the row was left as it was
     */
    public boolean end(long id, String error, Duration staleAfter) {
        return jdbi.withHandle(handle -> handle.createUpdate(END)
                .bind("id", id)
                .bind("error", error)
                .bind("staleSeconds", staleAfter.toMillis() / 1000.0)
                .bind("deadSeconds", Workers.DEAD_AFTER.toMillis() / 1000.0)
                .execute()) == 1;
    }
}
