package io.taskfork.consumer.supervisor.launch;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The three pipes of a child: its request in on stdin, its events and its log out. */
final class ChildPipes {

    // How long a child's output may run on after the child: a grandchild may hold a pipe open.
    static final long DRAIN_MS = 2_000;
    // how long a child's last line may wait its turn once the child has ended
    static final long TAKE_MS = 60_000;

    private ChildPipes() {
    }

    /**
     * Writes {@code request} to the child's stdin, as one line. A child that ended before it took
     * its request (a JVM that failed to start) breaks the pipe: that is no failure of the hand-over
     * when the child has ended within {@link #DRAIN_MS}, since its end tells what happened.
     */
    static void hand(Process process, JsonNode request) throws IOException, InterruptedException {
        try {
            OutputStream stdin = process.getOutputStream();
            stdin.write((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            if (!process.waitFor(DRAIN_MS, TimeUnit.MILLISECONDS)) {
                throw e;
            }
        }
    }

    /**
     * Waits for the rest of the child's report once the child has ended: at most {@link #DRAIN_MS}
     * for more of the pipe, which a process the child started may hold open, but for a line that has
     * come in full and waits its turn to be taken (see {@link ChildReport#takingLine}), up to
     * {@link #TAKE_MS}: the turns of the others' large lines, each bounded by its early record's.
     */
    static void awaitReport(Future<?> reading, ChildReport report)
            throws InterruptedException, ExecutionException, TimeoutException {
        long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TAKE_MS);
        while (true) {
            try {
                reading.get(DRAIN_MS, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                if (!report.takingLine() || System.nanoTime() - giveUp > 0) {
                    throw e;
                }
            }
        }
    }

    /** The log read by {@code draining}, waited for at most {@link #DRAIN_MS}: its output is not worth hanging for. */
    static String awaitOutput(Future<?> draining, LogCapture output, InputStream pipe) throws InterruptedException {
        try {
            draining.get(DRAIN_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            closeQuietly(pipe);
        } catch (ExecutionException e) {
            // a broken pipe ends the output; what was read is kept
        }
        return output.text();
    }

    static void closeQuietly(Closeable stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // nothing more to read either way
        }
    }
}
