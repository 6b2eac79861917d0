package io.taskfork.producer.dlq;

import io.taskfork.shared.wire.DeadLetterReason;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Which dead letters a replay takes: those of some tasks, every one, or those of one reason. */
public final class ReplayChoice {

    private final Set<Long> taskIds;
    private final String reason;

    private ReplayChoice(Set<Long> taskIds, String reason) {
        this.taskIds = taskIds;
        this.reason = reason;
    }

    public static ReplayChoice tasks(List<Long> taskIds) {
        if (taskIds.isEmpty()) {
            throw new IllegalArgumentException("no task IDs");
        }
        return new ReplayChoice(Set.copyOf(taskIds), null);
    }

    public static ReplayChoice all() {
        return new ReplayChoice(null, null);
    }

    /** @throws IllegalArgumentException naming the reasons there are, when {@code reason} is none of them */
    public static ReplayChoice reason(String reason) {
        try {
            return new ReplayChoice(null, DeadLetterReason.of(reason).value());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown reason '" + reason + "'; reasons: " + Arrays.stream(
                    DeadLetterReason.values()).map(DeadLetterReason::value).collect(Collectors.joining(", ")), e);
        }
    }

    /** The task IDs asked for by name, in no order; empty for --all and --reason. */
    Set<Long> taskIds() {
        return taskIds == null ? Set.of() : taskIds;
    }

    boolean includes(DeadLetter letter) {
        if (taskIds != null) {
            return letter.taskId() != null && taskIds.contains(letter.taskId());
        }
        return reason == null || reason.equals(letter.reason());
    }
}
