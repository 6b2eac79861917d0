package io.taskfork.bench;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The latencies of one phase's tasks, read from their rows after the run; every timestamp comes
 * from this one machine's clock:
 * <ul>
 * <li>delivery to handler start: {@code result.handler_started_us} (the no-op handler's
 *     {@code Instant.now()}) minus {@code started_at}, which the claim statement sets with
 *     {@code now()} just after the message was delivered;</li>
 * <li>enqueue to succeeded: {@code finished_at} minus {@code created_at};</li>
 * <li>handler return to result recorded: {@code returned_at} minus {@code result.handler_started_us}
 *     (a no-op handler returns as it starts): the window in which a supervisor killed outright
 *     leaves a task that ran to success to run again;</li>
 * <li>handler return to outcome recorded: {@code finished_at} minus the same, after the child's
 *     exit: what that window would be without the early record.</li>
 * </ul>
 *
 * @param lastFinished when the last of the tasks was recorded as succeeded
 */
record Latencies(Percentiles deliveryToHandler, Percentiles enqueueToSucceeded, Percentiles returnToResult,
        Percentiles returnToOutcome, Instant lastFinished) {

    private static final String QUERY = "select (result->>'" + NoopHandler.STARTED_FIELD + "')::bigint"
            + " - (extract(epoch from started_at) * 1000000)::bigint as delivery_us,"
            + " (extract(epoch from finished_at - created_at) * 1000000)::bigint as total_us,"
            + " (extract(epoch from finished_at) * 1000000)::bigint as finished_us,"
            + " (extract(epoch from finished_at) * 1000000)::bigint - (result->>'" + NoopHandler.STARTED_FIELD
            + "')::bigint as outcome_us,"
            + " (extract(epoch from coalesce(returned_at, finished_at)) * 1000000)::bigint - (result->>'"
            + NoopHandler.STARTED_FIELD + "')::bigint as result_us"
            + " from tasks where id = any(:ids) and status = 'succeeded'";

    private record Row(long deliveryMicros, long totalMicros, long finishedMicros, long resultMicros,
            long outcomeMicros) {
    }

    static Latencies of(Jdbi jdbi, List<Long> ids) throws PhaseFailedException {
        List<Row> rows = jdbi.withHandle(handle -> handle.createQuery(QUERY)
                .bindArray("ids", Long.class, ids)
                .map((rs, ctx) -> new Row(rs.getLong("delivery_us"), rs.getLong("total_us"), rs.getLong("finished_us"),
                        rs.getLong("result_us"), rs.getLong("outcome_us")))
                .list());
        if (rows.size() != ids.size()) {
            throw new PhaseFailedException("only " + rows.size() + " of " + ids.size() + " tasks have succeeded rows");
        }
        double[] delivery = rows.stream().mapToDouble(row -> row.deliveryMicros() / 1000.0).toArray();
        double[] total = rows.stream().mapToDouble(row -> row.totalMicros() / 1000.0).toArray();
        double[] result = rows.stream().mapToDouble(row -> row.resultMicros() / 1000.0).toArray();
        double[] outcome = rows.stream().mapToDouble(row -> row.outcomeMicros() / 1000.0).toArray();
        long last = rows.stream().mapToLong(Row::finishedMicros).max().orElseThrow();
        return new Latencies(Percentiles.of(delivery), Percentiles.of(total), Percentiles.of(result),
                Percentiles.of(outcome),
                Instant.ofEpochSecond(last / 1_000_000, (last % 1_000_000) * 1_000));
    }
}
