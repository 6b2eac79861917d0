package io.taskfork.producer.demo;

import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.TaskStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Shows the demo's tasks moving until all are terminal: one line rewritten on a terminal, a line per change elsewhere. */
final class Progress {

    private static final Duration WITHIN = Duration.ofMinutes(3);
    private static final long POLL_MS = 250;

    private final TaskStore store;
    private final PrintStream out;
    private final boolean terminal = System.console() != null;

    Progress(TaskStore store, PrintStream out) {
        this.store = store;
        this.out = out;
    }

    void follow(List<Demo.Tracked> tasks) throws IOException, InterruptedException {
        long started = System.nanoTime();
        String last = "";
        while (true) {
            refresh(tasks);
            long millis = (System.nanoTime() - started) / 1_000_000;
            String summary = summary(tasks);
            String line = String.format("%5.1fs  %s", millis / 1000.0, summary);
            if (terminal) {
                out.print("\r" + line + "   ");
                out.flush();
            } else if (!summary.equals(last)) {
                out.println(line);
            }
            last = summary;
            if (tasks.stream().allMatch(Demo.Tracked::done)) {
                if (terminal) {
                    out.println();
                }
                return;
            }
            if (millis > WITHIN.toMillis()) {
                out.println();
                throw new IOException("not every task was terminal after " + WITHIN.toMinutes() + " minutes");
            }
            Thread.sleep(POLL_MS);
        }
    }

    private void refresh(List<Demo.Tracked> tasks) {
        for (Demo.Tracked tracked : tasks) {
            if (tracked.done()) {
                continue;
            }
            if (tracked.id == null) {
                store.findByMessageId(tracked.messageId).ifPresent(row -> tracked.id = row.id());
            }
            if (tracked.id != null) {
                tracked.row = store.find(tracked.id).orElse(null);
            }
        }
    }

    private static String summary(List<Demo.Tracked> tasks) {
        Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
        tasks.forEach(tracked -> counts.merge(tracked.row == null ? TaskStatus.QUEUED : tracked.row.status(), 1L, Long::sum));
        long done = tasks.stream().filter(Demo.Tracked::done).count();
        return done + "/" + tasks.size() + " done: " + counts.entrySet().stream()
                .map(entry -> entry.getValue() + " " + entry.getKey().value())
                .collect(Collectors.joining(", "));
    }
}
