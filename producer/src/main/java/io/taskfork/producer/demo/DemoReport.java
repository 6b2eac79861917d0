package io.taskfork.producer.demo;

import io.taskfork.shared.task.Task;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** The demo's closing words: where each task ended, a glimpse of the metrics, and the verdict. */
final class DemoReport {

    private static final String ROW = "%4s  %-12s %-28s %-10s %-12s %4s %8s %6s %7s  %-4s %s%n";

    private static final int WHY_WIDTH = 64;

    private final PrintStream out;

    DemoReport(PrintStream out) {
        this.out = out;
    }

    void table(List<Demo.Tracked> tasks) {
        out.println();
        out.printf(ROW, "id", "type", "payload", "status", "failure_kind", "exit", "duration", "cpu", "peak", "", "why");
        for (Demo.Tracked tracked : tasks) {
            Task row = tracked.row;
            out.printf(ROW, row.id(), row.type(), shorten(row.payload().toString(), 28), row.status().value(),
                    row.failureKind() == null ? "-" : row.failureKind().value(),
                    row.exitCode() == null ? "-" : row.exitCode(), duration(row), cpu(row), peak(row),
                    matches(tracked) ? "ok" : "NOT", why(tracked));
        }
        out.printf(ROW, "-", "(no row)", shorten("\"" + DemoPlan.MALFORMED_BODY + "\"", 28), "-", "-", "-", "-",
                "-", "-", "ok", "dead-lettered as malformed: not a task ID nor JSON");
        out.println();
    }

    void metrics(String text) {
        out.println("from the supervisor's /metrics:");
        text.lines()
                .filter(line -> line.startsWith("taskfork_tasks_finished_total")
                        || line.startsWith("taskfork_messages_dead_lettered_total")
                        || line.startsWith("taskfork_child_start_seconds_count")
                        || line.startsWith("taskfork_child_start_seconds_sum"))
                .forEach(line -> out.println("  " + line));
        out.println();
    }

    /** Prints the verdict and returns whether all went as it should. */
    boolean verdict(List<Demo.Tracked> tasks, long deadLetters, long expectedDeadLetters, int exitCode) {
        long wrong = tasks.stream().filter(tracked -> !matches(tracked)).count();
        out.printf("supervisor exited with code %d after draining%n", exitCode);
        out.printf("dead-letter queue: %d messages (expected %d), each with x-taskfork-reason and x-taskfork-detail%n",
                deadLetters, expectedDeadLetters);
        boolean ok = wrong == 0 && deadLetters == expectedDeadLetters && exitCode == 0;
        out.println(ok
                ? "demo passed: all " + tasks.size() + " tasks ended where they should; the supervisor outlived every crash"
                : "demo FAILED: " + wrong + " task(s) ended elsewhere than expected");
        return ok;
    }

    private static String why(Demo.Tracked tracked) {
        if (!matches(tracked)) {
            return "expected " + tracked.task.expected();
        }
        String error = tracked.row.error();
        if (error == null) {
            return "";
        }
        // "com.example.SomeException: message" reads better here without the package
        String firstLine = error.lines().findFirst().orElse("").replaceFirst("^(?:[a-z_][\\w]*\\.)+", "");
        return shorten(firstLine, WHY_WIDTH);
    }

    private static boolean matches(Demo.Tracked tracked) {
        Task row = tracked.row;
        return row.status() == tracked.task.expectedStatus() && row.failureKind() == tracked.task.expectedKind();
    }

    private static String duration(Task row) {
        if (row.startedAt() == null || row.finishedAt() == null) {
            return "-";
        }
        return Duration.between(row.startedAt(), row.finishedAt()).toMillis() + "ms";
    }

    // what the attempt cost; "-" where nothing could say (see README, "What a task cost")
    private static String cpu(Task row) {
        return row.cpuSeconds() == null ? "-" : String.format(java.util.Locale.ROOT, "%.2fs", row.cpuSeconds());
    }

    private static String peak(Task row) {
        return row.peakMemoryBytes() == null ? "-" : (row.peakMemoryBytes() >> 20) + "MiB";
    }

    private static String shorten(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
