package io.taskfork.consumer.child;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * How a child ends: it tells the supervisor how it is dying, it dies when the supervisor does, and
 * whatever its task started dies with it.
 */
final class Lifelines {

    /** Exit code when the supervisor is gone: the task is redelivered elsewhere, so stop at once. */
    static final int ORPHANED = 70;
    private static final File THREADS = new File("/proc/self/task");
    // A look that meets a thread that ended or started is made again, this many times in all.
    private static final int LOOKS = 3;
    private static final long LOOK_EVERY_MS = 1000;

    private final EventPipe events;
    // The orphan watch reads stdin only once the request has been read from it.
    private final Object requestLock = new Object();
    private boolean requestRead;
    private final Thread deadlineWatch;
    private volatile long deadlineMillis;
    // when the supervisor last wrote to stdin: the request, then a ping every PING_EVERY_MS
    private volatile long lastHeard;

    Lifelines(EventPipe events) {
        this.events = events;
        // Made now, started with the task: its class is then loaded before the request, in the child
        // that writes the class-data-sharing archive too, so a task's child finds it there.
        deadlineWatch = new Thread(new Runnable() {
            @Override
            public void run() {
                long end = System.nanoTime() + deadlineMillis * 1_000_000;
                try {
                    while (System.nanoTime() < end
                            && System.nanoTime() - lastHeard < ChildProtocol.SILENCE_MS * 1_000_000) {
                        Thread.sleep(LOOK_EVERY_MS);
                    }
                } catch (InterruptedException e) {
                    // nothing in this JVM interrupts it
                    return;
                }
                // reported: the supervisor has the outcome, and the main thread ends this JVM
                if (!events.reported()) {
                    killDescendants();
                    Runtime.getRuntime().halt(ChildProtocol.OVERDUE_EXIT);
                }
            }
        }, "deadline-watch");
        deadlineWatch.setDaemon(true);
    }

    /**
     * Tells the supervisor how this JVM is dying when it dies on its own terms: System.exit runs
     * shutdown hooks, and TERM, INT and HUP are taken over so that a signal is reported as one.
     * Without this, System.exit(137) and a SIGKILL would both read as exit code 137.
     */
    void reportDeath() {
        Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
            @Override
            public void run() {
                events.send(EventPipe.event(ChildProtocol.EXIT));
            }
        }, "report-exit"));
        SignalHandler reportSignal = new SignalHandler() {
            @Override
            public void handle(Signal signal) {
                ObjectNode dying = EventPipe.event(ChildProtocol.SIGNAL);
                dying.put(ChildProtocol.NAME, "SIG" + signal.getName());
                events.send(dying);
                Runtime.getRuntime().halt(128 + signal.getNumber());
            }
        };
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            try {
                Signal.handle(new Signal(name), reportSignal);
            } catch (IllegalArgumentException reservedByTheJvm) {
                // such a signal keeps the JVM's own handling, and reads as a signal by its exit code
            }
        }
    }

    /**
     * The supervisor holds our stdin open while it needs us, and closes it once it has read the last
     * event of our report. Its end before that means the supervisor died. The watching thread starts
     * now, before the request is read, so that a standby child pays for it while it waits (a thread
     * start costs a fresh JVM milliseconds), and reads stdin once {@link #requestRead} says the
     * request is out of it. It must not outlive the report blocked in a read: HotSpot's exit waits
     * up to 300 ms for a thread in native code, not for one asleep.
     */
    void watchForOrphaning(InputStream stdin) {
        Thread watcher = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    synchronized (requestLock) {
                        while (!requestRead) {
                            requestLock.wait();
                        }
                    }
                    while (stdin.read() >= 0) {
                        // the supervisor's pings: it is alive, and not frozen (see keepDeadline)
                        lastHeard = System.nanoTime();
                    }
                } catch (IOException e) {
                    // a broken stdin means the same as its end
                } catch (InterruptedException e) {
                    // nothing in this JVM interrupts it
                    return;
                }
                if (!events.reported()) {
                    killDescendants();
                    Runtime.getRuntime().halt(ORPHANED);
                }
                // Reported: the main thread halts the JVM. This thread waits for that rather than end
                // within the main thread's last look for children (made where no parent ends what is
                // left), which would have to look again.
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    // nothing in this JVM interrupts it
                }
            }
        }, "orphan-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** The request has been read from stdin: from here on, its end is the supervisor's. */
    void requestRead() {
        lastHeard = System.nanoTime();
        synchronized (requestLock) {
            requestRead = true;
            requestLock.notifyAll();
        }
    }

    /**
     * Ends the child, what its task started first, {@code ms} from now or once its supervisor has
     * been silent for {@link ChildProtocol#SILENCE_MS}. A supervisor that is stopped cannot kill its
     * task at the timeout, and another supervisor may claim the task once the stopped one's
     * heartbeat is 30 s old: by then this child has ended. Nothing is sent on the way out: with its
     * supervisor stopped the events pipe may be full, and a write would wait.
     */
    void keepDeadline(long ms) {
        deadlineMillis = ms;
        deadlineWatch.start();
    }

    /**
     * At the task's end, on the way out: whatever it started ends with it. Where this JVM's parent
     * takes in every orphan of the task (a PID namespace's first process, taskfork-child-init's
     * subreaper), the parent kills what is left once this JVM has ended, and the look is left to it:
     * a look here reads a list of children for each of the JVM's threads, whose {@code /proc} entries
     * the kernel then drops when the JVM is reaped, about 2 ms of CPU a child (README: "What a task
     * leaves running").
     */
    static void endWithTheTask() {
        if (!Boolean.getBoolean(Sessions.PARENT_ADOPTS)) {
            killDescendants();
        }
    }

    /** Whatever the task started, such as an exec command and its own children, ends with it. */
    static void killDescendants() {
        if (!hasChildren()) {
            return;
        }
        for (Iterator<ProcessHandle> descendants = ProcessHandle.current().descendants().iterator(); descendants.hasNext();) {
            descendants.next().destroyForcibly();
        }
    }

    /**
     * Whether this JVM has a child process, by the kernel's list of each thread's children. Listing
     * descendants would initialize ProcessHandle, whose lambdas and walk of every process in /proc
     * cost a fresh JVM milliseconds; most tasks start no process. Without such lists (an older
     * kernel) the answer is yes, to be safe.
     */
    private static boolean hasChildren() {
        return hasChildren(THREADS);
    }

    /** The same, for a process whose threads are the folders of {@code threads}. */
    static boolean hasChildren(File threads) {
        for (int look = 0; look < LOOKS; look++) {
            Optional<Boolean> answer = lookForChildren(threads);
            if (answer.isPresent()) {
                return answer.get();
            }
        }
        return true;
    }

    /**
     * One look at every thread's list of children; empty when a thread ended or started during the
     * look. The children of a thread that ends go to another thread, which may have been looked at
     * already, and a thread that starts may fork, so a look that found none counts only if the same
     * threads are there after it.
     */
    static Optional<Boolean> lookForChildren(File threads) {
        String[] names = threads.list();
        if (names == null) {
            return Optional.of(true);
        }
        for (String name : names) {
            File thread = new File(threads, name);
            try (FileInputStream children = new FileInputStream(new File(thread, "children"))) {
                if (children.read() >= 0) {
                    return Optional.of(true);
                }
            } catch (IOException e) {
                // the thread is still there but not its list: the kernel keeps none
                return thread.exists() ? Optional.of(true) : Optional.empty();
            }
        }
        String[] after = threads.list();
        return after != null && Set.of(after).equals(Set.of(names)) ? Optional.of(false) : Optional.empty();
    }
}
