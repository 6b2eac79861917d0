package io.taskfork.producer.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What one look at the rows and the queues found, each a list of task IDs.
 *
 * @param lost               queued or retrying, no message to run it (a dead letter runs none), and none owed
 * @param deadRunner         running on a supervisor whose heartbeat is gone
 * @param noDeadLetter       failed or crashed, without a dead letter
 * @param deadLetterNotEnded a dead letter whose task is not failed or crashed
 * @param duplicated         more than one message waiting to run it, or more than one dead letter
 */
record Findings(List<Long> lost, List<Long> deadRunner, List<Long> noDeadLetter, List<Long> deadLetterNotEnded,
        List<Long> duplicated) {

    boolean clean() {
        return count() == 0;
    }

    int count() {
        return kinds().values().stream().mapToInt(List::size).sum();
    }

    /**
     * What this look and a later one both found: a message on its way between two queues, or a
     * row between its outcome and its dead letter, is seen by one look at most.
     */
    Findings confirmedBy(Findings later) {
        return new Findings(common(lost, later.lost), common(deadRunner, later.deadRunner),
                common(noDeadLetter, later.noDeadLetter), common(deadLetterNotEnded, later.deadLetterNotEnded),
                common(duplicated, later.duplicated));
    }

    /** The kinds by the names the report and its JSON use, in the order they are printed. */
    Map<String, List<Long>> kinds() {
        Map<String, List<Long>> kinds = new LinkedHashMap<>();
        kinds.put("lost", lost);
        kinds.put("dead_supervisor", deadRunner);
        kinds.put("no_dead_letter", noDeadLetter);
        kinds.put("dead_letter_not_ended", deadLetterNotEnded);
        kinds.put("duplicate_messages", duplicated);
        return kinds;
    }

    private static List<Long> common(List<Long> first, List<Long> second) {
        List<Long> both = new ArrayList<>(first);
        both.retainAll(second);
        return List.copyOf(both);
    }

    static <T> List<Long> ids(List<T> rows, Function<T, Long> id) {
        return rows.stream().map(id).sorted().toList();
    }
}
