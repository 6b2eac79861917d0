package io.taskfork.consumer.supervisor;

import io.taskfork.consumer.amqp.DeliveryActions;
import io.taskfork.shared.store.TaskStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes again the tasks whose producer died between inserting the row and the broker's
 * confirm: a queued row older than TASKFORK_OUTBOX_AGE that was never marked published. Every
 * supervisor sweeps; the rows each one takes are locked against the others.
 */
final class OutboxSweeper implements Runnable {

    static final Duration PERIOD = Duration.ofSeconds(10);
    private static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(OutboxSweeper.class);

    private final TaskStore store;
    private final DeliveryActions actions;
    private final Duration age;

    OutboxSweeper(TaskStore store, DeliveryActions actions, Duration age) {
        this.store = store;
        this.actions = actions;
        this.age = age;
    }

    @Override
    public void run() {
        try {
            List<Long> published = store.sweepUnpublished(age, BATCH, this::publish);
            if (!published.isEmpty()) {
                LOG.info("published {} queued tasks again whose message was never confirmed: {}", published.size(),
                        published.size() <= 10 ? published : published.subList(0, 10) + " …");
            }
        } catch (RuntimeException e) {
            // the broker or the database is away; the rows stay unpublished for the next sweep
            LOG.debug("outbox sweep failed: {}", e.toString());
        }
    }

    private void publish(List<Long> ids) {
        try {
            actions.publishTaskIds(ids);
        } catch (IOException | TimeoutException e) {
            throw new UncheckedIOException(new IOException("publishing " + ids.size() + " tasks failed", e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        }
    }
}
