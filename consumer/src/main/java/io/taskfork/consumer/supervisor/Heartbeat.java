package io.taskfork.consumer.supervisor;

import io.taskfork.shared.store.Workers;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's heartbeat in the {@code workers} table: while it beats, no other supervisor
 * takes over the tasks running here; once it stops (a SIGKILL), they do.
 */
final class Heartbeat implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final Workers workers;
    private final String worker;

    Heartbeat(Workers workers, String worker) {
        this.workers = workers;
        this.worker = worker;
    }

    /**
     * The first beat. It also forgets the supervisors of this host whose process is gone, so their
     * tasks run again at once instead of after {@link Workers#DEAD_AFTER}.
     */
    void start() {
        workers.beat(worker);
        List<String> dead = workers.forgetDeadOn(WorkerName.host(),
                pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        if (!dead.isEmpty()) {
            LOG.info("supervisors {} on this host died without stopping; their running tasks may run again", dead);
        }
    }

    @Override
    public void run() {
        try {
            workers.beat(worker);
        } catch (RuntimeException e) {
            // the database is away; several beats may be missed before anyone takes this worker for dead
            LOG.debug("heartbeat failed: {}", e.toString());
        }
    }

    /** Removes this worker: it stopped cleanly and runs nothing. */
    void stop() {
        try {
            workers.remove(worker);
        } catch (RuntimeException e) {
            LOG.debug("could not remove worker {}: {}", worker, e.toString());
        }
    }
}
