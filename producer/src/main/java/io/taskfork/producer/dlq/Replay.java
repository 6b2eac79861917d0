package io.taskfork.producer.dlq;

import com.rabbitmq.client.AMQP;
import io.taskfork.producer.queue.ConfirmedPublisher;
import io.taskfork.producer.queue.QueueMessage;
import io.taskfork.producer.queue.QueueScan;
import io.taskfork.producer.task.ShownPayload;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.TaskMessage;
import io.taskfork.shared.wire.WireFormat;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sends chosen dead letters back to the main queue. A task is reset to {@code queued} and its ID
 * published again; a JSON message that never made a row is published again as it was. Only after
 * the broker's confirm is the dead letter acked, so a failure at any step leaves it where it was.
 */
final class Replay {

    /**
     * Headers that belong to a message's death, not to the message: the consumer would read them
     * anew. A replay counts its deliveries from none, as the queue's own count does: the ones
     * counted before its death would bring it back to the delivery limit at once.
     */
    private static final List<String> DEATH_HEADERS = List.of(WireFormat.REASON_HEADER, WireFormat.DETAIL_HEADER,
            WireFormat.TASK_ID_HEADER, DeathNote.X_DEATH, QueueMessage.DELIVERY_COUNT_HEADER,
            WireFormat.PRIOR_DELIVERIES_HEADER, "x-first-death-exchange",
            "x-first-death-queue", "x-first-death-reason", "x-last-death-exchange", "x-last-death-queue",
            "x-last-death-reason");

    private final DeadQueue deadQueue;
    private final String mainQueue;
    private final ConfirmedPublisher publisher;
    private final DeadLetterResolver resolver;
    private final RowReset rows;
    private final PrintStream out;
    private final PrintStream err;
    private final List<ReplaySummary.Line> lines = new ArrayList<>();

    Replay(DeadQueue deadQueue, String mainQueue, ConfirmedPublisher publisher, DeadLetterResolver resolver,
            RowReset rows, PrintStream out, PrintStream err) {
        this.deadQueue = deadQueue;
        this.mainQueue = mainQueue;
        this.publisher = publisher;
        this.resolver = resolver;
        this.rows = rows;
        this.out = out;
        this.err = err;
    }

    ReplaySummary run(ReplayChoice choice) {
        lines.clear();
        Set<Long> replayedTasks = new HashSet<>();
        Set<Long> seenTasks = new HashSet<>();
        int replayed = 0;
        int duplicates = 0;
        int notReplayable = 0;
        try (QueueScan scan = deadQueue.scan()) {
            for (QueueMessage message = scan.next(); message != null; message = scan.next()) {
                DeadLetter letter = resolver.resolve(message);
                if (!choice.includes(letter)) {
                    continue;
                }
                if (letter.taskId() != null) {
                    seenTasks.add(letter.taskId());
                }
                if (letter.taskId() != null && replayedTasks.contains(letter.taskId())) {
                    // a second dead letter of a task replayed a moment ago: one message for it is enough
                    scan.remove(message);
                    say(ReplaySummary.Kind.DUPLICATE_REMOVED, letter.taskId(),
                            "task " + letter.taskId() + ": another dead letter of it removed");
                    duplicates++;
                } else if (replayOne(letter)) {
                    scan.remove(message);
                    if (letter.taskId() != null) {
                        replayedTasks.add(letter.taskId());
                    }
                    replayed++;
                } else {
                    notReplayable++;
                }
            }
        }
        TreeSet<Long> missing = new TreeSet<>(choice.taskIds());
        missing.removeAll(seenTasks);
        missing.forEach(id -> say(ReplaySummary.Kind.NO_DEAD_LETTER, id,
                "task " + id + ": no dead letter in " + deadQueue.name()));
        return new ReplaySummary(replayed, duplicates, notReplayable, List.copyOf(missing), List.copyOf(lines));
    }

    /**
     * Runs task {@code id} again, by the rules of the {@link RowReset} given: its row reset and its ID
     * published, as {@link #run} does, with or without a dead letter; only then are its dead letters
     * acked. A refused task keeps them.
     *
     * @throws io.taskfork.producer.queue.QueueException when the publish fails; the row is then as it was
     */
    RowReset.Outcome retry(long id) {
        try (QueueScan scan = deadQueue.scan()) {
            List<QueueMessage> letters = new ArrayList<>();
            for (QueueMessage message = scan.next(); message != null; message = scan.next()) {
                Long taskId = resolver.resolve(message).taskId();
                if (taskId != null && taskId == id) {
                    letters.add(message);
                }
            }
            RowReset.Outcome outcome = rows.reset(id, () -> publishTaskId(id));
            if (outcome instanceof RowReset.Outcome.Reset) {
                letters.forEach(scan::remove);
            }
            return outcome;
        }
    }

    private boolean replayOne(DeadLetter letter) {
        if (letter.taskId() != null) {
            return replayTask(letter);
        }
        if (letter.message().ofAnotherSchema(resolver.schema())) {
            // its task's row is there: replayed here, it would only be dead-lettered again
            say(ReplaySummary.Kind.REFUSED, null, "message " + describe(letter.message()) + " not replayed: it names"
                    + " a task of schema " + WireFormat.schemaShown(WireFormat.schemaOf(letter.message().headers()))
                    + ", not of "
                    + resolver.schema() + "; replay it with that schema; it stays in " + deadQueue.name());
            return false;
        }
        if (letter.message().create().isPresent()) {
            TaskMessage.Create create = letter.message().create().get();
            String named = create.options().queue();
            if (named != null && !named.equals(mainQueue)) {
                // the supervisor would dead-letter it again, as it did: it belongs on the queue it names
                say(ReplaySummary.Kind.REFUSED, null, "message " + describe(letter.message()) + " not replayed: its"
                        + " \"queue\" names " + named + ", not " + mainQueue + "; publish it to " + named
                        + "; it stays in " + deadQueue.name());
                return false;
            }
            if (DeadLetterReason.MALFORMED.value().equals(letter.reason())) {
                // what the database refused, or a message_id that made a task from another message
                say(ReplaySummary.Kind.REFUSED, null, "message " + describe(letter.message()) + " not replayed:"
                        + " a supervisor would dead-letter it again (malformed: " + letter.detail() + "); it stays in "
                        + deadQueue.name());
                return false;
            }
            Optional<Long> holder = create.options().uniqueKey() == null ? Optional.empty()
                    : rows.liveHolderOf(create.options().uniqueKey());
            if (holder.isPresent()) {
                // a supervisor would ack it and create nothing: the dead letter would be gone for no run
                say(ReplaySummary.Kind.REFUSED, null, "message " + describe(letter.message()) + " not replayed: its"
                        + " unique key \"" + create.options().uniqueKey() + "\" is held by live task " + holder.get()
                        + "; replay it once that one has ended; it stays in " + deadQueue.name());
                return false;
            }
            publisher.publish(mainQueue, republished(letter.message()), letter.message().body());
            say(ReplaySummary.Kind.REPLAYED, null, "message "
                    + (create.messageId() == null ? "(no message_id)" : create.messageId())
                    + " of type " + create.type() + " replayed as it was published (it was dead as "
                    + letter.reason() + ")");
            return true;
        }
        say(ReplaySummary.Kind.REFUSED, null, "message " + describe(letter.message()) + " not replayed: it names no"
                + " task and is no JSON task (" + letter.reason() + ": " + letter.detail() + "); it stays in "
                + deadQueue.name());
        return false;
    }

    private boolean replayTask(DeadLetter letter) {
        long id = letter.taskId();
        RowReset.Outcome outcome = rows.reset(id, () -> publishTaskId(id));
        if (outcome instanceof RowReset.Outcome.Reset reset) {
            say(ReplaySummary.Kind.REPLAYED, id, "task " + id + " replayed: queued again (it was "
                    + reset.before().value() + ", dead as " + letter.reason() + ")");
            return true;
        }
        say(ReplaySummary.Kind.REFUSED, id, "task " + id + " not replayed: "
                + ((RowReset.Outcome.Refused) outcome).why() + "; its dead letter stays in " + deadQueue.name());
        return false;
    }

    private void publishTaskId(long id) {
        publisher.publish(mainQueue, WireFormat.taskIdProperties(id, resolver.schema()).build(),
                WireFormat.taskIdBody(id));
    }

    /** A line for the operator, on {@code out} for what went back and on {@code err} for what did not; kept too. */
    private void say(ReplaySummary.Kind kind, Long taskId, String text) {
        (kind == ReplaySummary.Kind.REFUSED || kind == ReplaySummary.Kind.NO_DEAD_LETTER ? err : out).println(text);
        lines.add(new ReplaySummary.Line(kind, taskId, text));
    }

    private static AMQP.BasicProperties republished(QueueMessage message) {
        Map<String, Object> headers = new HashMap<>(message.headers());
        DEATH_HEADERS.forEach(headers::remove);
        return message.properties().builder().headers(headers.isEmpty() ? null : headers).build();
    }

    private static String describe(QueueMessage message) {
        String id = message.properties().getMessageId();
        return id != null ? id : "\"" + DeadLetterTable.cut(ShownPayload.ofMessageBody(message.bodyText()), 40) + "\"";
    }
}
