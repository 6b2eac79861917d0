package io.taskfork.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** Waits, by looking at their rows, until a phase's tasks have all succeeded. */
final class Completion {

    // Often enough that the end of a run is seen within a tenth of a second; one small query each time.
    private static final long POLL_MS = 100;
    private static final String COUNTS = "select status, count(*) as n from tasks where id = any(:ids) group by status";

    private final Jdbi jdbi;

    Completion(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Returns once every task in {@code ids} has succeeded.
     *
     * @param trouble asked at each look: a reason to give up (a consumer died, say), or empty
     * @throws PhaseFailedException when a task ended otherwise, trouble arose, or the deadline passed
     */
    void await(List<Long> ids, Deadline deadline, Supplier<Optional<String>> trouble)
            throws PhaseFailedException, InterruptedException {
        await(ids, deadline, trouble, succeeded -> { });
    }

    /**
     * As {@link #await(List, Deadline, Supplier)}; {@code halfway} is told, once, how many had
     * succeeded at the first look that found at least half of them done.
     */
    void await(List<Long> ids, Deadline deadline, Supplier<Optional<String>> trouble, LongConsumer halfway)
            throws PhaseFailedException, InterruptedException {
        boolean half = false;
        while (true) {
            Map<String, Long> counts = counts(ids);
            long succeeded = counts.getOrDefault("succeeded", 0L);
            if (!half && succeeded * 2 >= ids.size()) {
                half = true;
                halfway.accept(succeeded);
            }
            if (succeeded == ids.size()) {
                return;
            }
            for (String status : List.of("failed", "crashed", "cancelled")) {
                if (counts.containsKey(status)) {
                    throw new PhaseFailedException(counts.get(status) + " tasks ended " + status + " ("
                            + describe(counts) + "); the supervisor's log may say why");
                }
            }
            Optional<String> problem = trouble.get();
            if (problem.isPresent()) {
                throw new PhaseFailedException(problem.get() + " (" + describe(counts) + ")");
            }
            if (deadline.passed()) {
                throw new PhaseFailedException("only " + succeeded + " of " + ids.size() + " tasks succeeded within "
                        + deadline.seconds() + " s (" + describe(counts) + ")");
            }
            Thread.sleep(POLL_MS);
        }
    }

    private Map<String, Long> counts(List<Long> ids) {
        Map<String, Long> counts = new TreeMap<>();
        jdbi.useHandle(handle -> handle.createQuery(COUNTS)
                .bindArray("ids", Long.class, ids)
                .map((rs, ctx) -> Map.entry(rs.getString("status"), rs.getLong("n")))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
        return counts;
    }

    private static String describe(Map<String, Long> counts) {
        return counts.isEmpty() ? "no rows" : counts.entrySet().stream()
                .map(entry -> entry.getValue() + " " + entry.getKey())
                .collect(Collectors.joining(", "));
    }
}
