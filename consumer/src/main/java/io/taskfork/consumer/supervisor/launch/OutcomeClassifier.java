package io.taskfork.consumer.supervisor.launch;

import io.taskfork.consumer.child.ChildProtocol;
import io.taskfork.consumer.child.Signals;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.TaskOutcome;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.WireFormat;
import java.time.Duration;

/**
 * Decides how a task ended from the facts of its child's end. Facts the child or its JVM recorded
 * come first (a result, an exception, the out-of-memory hook, a fatal error log, a reported exit
 * or signal); the exit code is read only when nothing was recorded.
 */
public final class OutcomeClassifier {

    private final String heap;
    private final Duration timeout;

    public OutcomeClassifier(String heap, Duration timeout) {
        this.heap = heap;
        this.timeout = timeout;
    }

    public Verdict classify(ChildExit exit) {
        ChildReport report = exit.report();
        if (report.hasResult()) {
            return new Verdict(new TaskOutcome(TaskStatus.SUCCEEDED, null, exit.exitCode(), report.result(),
                    null, exit.log()), null, "succeeded");
        }
        // before a reported error: the kernel kills one process of a task at its memory limit, and
        // the handler that ran it then fails for that reason
        if (exit.memory().exceeded() != null) {
            return crashed(FailureKind.MEMORY, DeadLetterReason.MEMORY, exit, exit.memory().exceeded());
        }
        if (report.hasError()) {
            // a stack trace starts with the exception's own line: no need to say it twice
            String error = report.errorTrace().startsWith(report.errorMessage()) ? report.errorTrace()
                    : report.errorMessage() + "\n" + report.errorTrace();
            Verdict failed = failed(report.errorMessage(), error, exit);
            return new Verdict(failed.outcome(), failed.reason(), failed.detail(), report.errorRetryable());
        }
        if (report.oversizedOver() >= 0) {
            // the same handler returns as much next time: no attempt would fare better
            Verdict failed = failed("the handler's result or error, as JSON, is larger than the supervisor accepts ("
                    + (report.oversizedOver() >> 20) + " MiB)", null, exit);
            return new Verdict(failed.outcome(), failed.reason(), failed.detail(), false);
        }
        if (exit.exitCode() == ChildProtocol.OVERDUE_EXIT && !report.exitReported()
                && report.signalReported() == null) {
            // The child ended itself: its supervisor stopped pinging it (it was stopped, or starved of
            // CPU), or missed the timeout. A kill at the timeout, seen late when the supervisor goes
            // on, would read as the supervisor's own. A handler's Runtime.halt(71) reads so too.
            return crashed(FailureKind.TIMEOUT, DeadLetterReason.TIMEOUT, exit,
                    "ended itself with its process tree: its supervisor was silent for "
                            + Values.format(Duration.ofMillis(ChildProtocol.SILENCE_MS)) + ", or did not stop it "
                            + Values.format(TaskRequest.OWN_DEADLINE_AFTER_TIMEOUT) + " after its timeout of "
                            + Values.format(timeout) + " (TASKFORK_TASK_TIMEOUT)");
        }
        if (exit.timedOut()) {
            return crashed(FailureKind.TIMEOUT, DeadLetterReason.TIMEOUT, exit,
                    "killed with its process tree after running longer than " + Values.format(timeout)
                            + " (TASKFORK_TASK_TIMEOUT)");
        }
        if (exit.outOfMemory()) {
            return crashed(FailureKind.OOM, DeadLetterReason.OOM, exit,
                    "ran out of memory" + jvmOutOfMemoryLine(exit.log()) + " with -Xmx" + heap
                            + " (TASKFORK_CHILD_HEAP); exit code " + exit.exitCode());
        }
        if (exit.fatalError() != null) {
            return crashed(FailureKind.SIGNAL, DeadLetterReason.SIGNAL, exit,
                    "JVM fatal error: " + exit.fatalError() + "; exit code " + exit.exitCode());
        }
        if (report.signalReported() != null) {
            return crashed(FailureKind.SIGNAL, DeadLetterReason.SIGNAL, exit,
                    "stopped by " + report.signalReported() + "; exit code " + exit.exitCode());
        }
        if (report.exitReported()) {
            return crashed(FailureKind.EXIT, DeadLetterReason.EXIT, exit,
                    "called System.exit(" + exit.exitCode() + ") without a result");
        }
        int code = exit.exitCode();
        if (code > 128 && code <= Signals.MAX_SIGNAL_EXIT) {
            return crashed(FailureKind.SIGNAL, DeadLetterReason.SIGNAL, exit,
                    "killed by " + Signals.name(code - 128) + "; exit code " + code);
        }
        return crashed(FailureKind.EXIT, DeadLetterReason.EXIT, exit,
                "exited with code " + code + " without a result" + lastLine(exit.log()));
    }

    private static Verdict failed(String detail, String error, ChildExit exit) {
        String limit = limitReached(exit);
        String message = withLimit(detail, limit);
        String full = error == null ? message : limit.isEmpty() ? error : error + "\n" + limit;
        return new Verdict(new TaskOutcome(TaskStatus.FAILED, FailureKind.EXCEPTION, exit.exitCode(), null,
                full, exit.log()), DeadLetterReason.EXCEPTION, message);
    }

    private static Verdict crashed(FailureKind kind, DeadLetterReason reason, ChildExit exit, String detail) {
        String message = withLimit(detail, limitReached(exit));
        return new Verdict(new TaskOutcome(TaskStatus.CRASHED, kind, exit.exitCode(), null, message, exit.log()),
                reason, message);
    }

    /** {@code detail} in one line, cut where it must be to keep the note of a limit reached, if any, whole. */
    private static String withLimit(String detail, String limit) {
        return WireFormat.oneLine(detail, limit.isEmpty() ? "" : "; " + limit);
    }

    // A fork the limit refused fails in the task, as "Resource temporarily unavailable" at best: which
    // limit refused it is said here, where a user reads why the task ended. "" when it did not.
    private static String limitReached(ChildExit exit) {
        return exit.processLimitReached() < 0 ? "" : "it reached its limit of " + exit.processLimitReached()
                + " processes and threads (TASKFORK_TASK_PROCESSES)";
    }

    private static String jvmOutOfMemoryLine(String log) {
        return log.lines()
                .filter(line -> line.startsWith("Terminating due to java.lang.OutOfMemoryError"))
                .reduce((first, last) -> last)
                .map(line -> " (" + line.substring("Terminating due to java.lang.".length()) + ")")
                .orElse("");
    }

    // A JVM that cannot start at all says why on its last line; that is worth a glance in the detail.
    private static String lastLine(String log) {
        return log.lines().filter(line -> !line.isBlank()).reduce((first, last) -> last)
                .map(line -> "; last output: " + line.strip())
                .orElse("");
    }
}
