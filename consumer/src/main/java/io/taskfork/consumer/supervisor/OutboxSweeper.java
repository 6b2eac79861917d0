package io.taskfork.consumer.supervisor;

import io.taskfork.consumer.supervisor.amqp.DeliveryActions;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.store.Outbox;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes again the tasks whose message is owed: a queued row that has waited longer than
 * TASKFORK_OUTBOX_AGE without a confirm, because its producer died between the insert and the
 * confirm, or a replay's publish failed. Every supervisor sweeps; a row one of them takes is
 * passed by the others for another TASKFORK_OUTBOX_AGE.
 */
final class OutboxSweeper implements Runnable {

    static final Duration PERIOD = Duration.ofSeconds(10);
    private static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(OutboxSweeper.class);

    private final Outbox outbox;
    private final DeliveryActions actions;
    private final Duration age;

    private final String queue;

    /** @param queue the main queue this supervisor serves: it publishes only that queue's rows */
    OutboxSweeper(Outbox outbox, DeliveryActions actions, Duration age, String queue) {
        this.outbox = outbox;
        this.actions = actions;
        this.age = age;
        this.queue = queue;
    }

    @Override
    public void run() {
        List<Long> taken;
        try {
            taken = outbox.takeOverdue(age, BATCH, queue);
        } catch (RuntimeException e) {
            LOG.debug("outbox sweep could not read the database: {}", e.toString());
            return;
        }
        if (taken.isEmpty()) {
            return;
        }
        try {
            actions.publishTaskIds(taken);
            outbox.markPublished(taken);
            LOG.info("published {} queued tasks again whose message was never confirmed: {}", taken.size(),
                    taken.size() <= 10 ? taken : taken.subList(0, 10) + " …");
        } catch (IOException | TimeoutException | RuntimeException e) {
            // the broker or the database is away: the rows are taken again once they are overdue again
            LOG.warn("could not publish {} overdue queued tasks ({}); trying again in {}", taken.size(), e.toString(),
                    Values.format(age));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
