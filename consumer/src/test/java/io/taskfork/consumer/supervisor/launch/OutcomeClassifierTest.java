package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.DeadLetterReason;
import io.taskfork.shared.wire.WireFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutcomeClassifierTest {

    private final OutcomeClassifier classifier = new OutcomeClassifier("256m", Duration.ofMinutes(10));

    @Test
    void resultMeansSucceededWhateverTheExitCode() throws IOException {
        Verdict verdict = classifier.classify(exit(0, "{\"event\":\"started\"}",
                "{\"event\":\"result\",\"result\":{\"a\":1}}"));

        assertThat(verdict.succeeded()).isTrue();
        assertThat(verdict.outcome().status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(verdict.outcome().result().path("a").asInt()).isEqualTo(1);
        assertThat(verdict.outcome().failureKind()).isNull();
    }

    @Test
    void nullResultIsStillAResult() throws IOException {
        Verdict verdict = classifier.classify(exit(0, "{\"event\":\"result\",\"result\":null}"));

        assertThat(verdict.outcome().status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void errorMeansFailedWithExceptionAndTheTraceInTheErrorColumn() throws IOException {
        Verdict verdict = classifier.classify(exit(0,
                "{\"event\":\"error\",\"message\":\"java.lang.IllegalStateException: boom\","
                        + "\"trace\":\"at X.y(X.java:1)\"}"));

        assertThat(verdict.outcome().status()).isEqualTo(TaskStatus.FAILED);
        assertThat(verdict.outcome().failureKind()).isEqualTo(FailureKind.EXCEPTION);
        assertThat(verdict.reason()).isEqualTo(DeadLetterReason.EXCEPTION);
        assertThat(verdict.detail()).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(verdict.outcome().error()).contains("boom").contains("at X.y(X.java:1)");
    }

    @Test
    void aChildThatEndedItselfAtItsOwnDeadlineTimedOutThoughItsSupervisorSawTheTimeoutLate() throws IOException {
        Verdict verdict = classifier.classify(new ChildExit(1, 71, true, null, false, null, report(), "", 1,
                MemorySeen.NOT_WATCHED, -1, -1));

        assertThat(verdict.outcome().failureKind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(verdict.detail()).isEqualTo("ended itself with its process tree: its supervisor was silent for 20s,"
                + " or did not stop it 30s after its timeout of 10m (TASKFORK_TASK_TIMEOUT)");
    }

    @Test
    void aSystemExitWithTheDeadlinesCodeIsAnExit() throws IOException {
        Verdict verdict = classifier.classify(exit(71, "{\"event\":\"exit\"}"));

        assertThat(verdict.outcome().failureKind()).isEqualTo(FailureKind.EXIT);
    }

    @Test
    void timeoutWinsOverTheKillSignal() throws IOException {
        Verdict verdict = classifier.classify(new ChildExit(1, 137, true, null, false, null, report(), "", 1,
                MemorySeen.NOT_WATCHED, -1, -1));

        assertThat(verdict.outcome().failureKind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(verdict.reason()).isEqualTo(DeadLetterReason.TIMEOUT);
        assertThat(verdict.detail()).contains("10m").contains("TASKFORK_TASK_TIMEOUT");
    }

    @Test
    void aMemoryKillIsMemoryNotTheTimeoutOrTheKillSignal() throws IOException {
        MemorySeen over = new MemorySeen(700L << 20, "killed with its process tree: its processes held 650 MiB");
        Verdict verdict = classifier.classify(new ChildExit(1, 137, false, null, false, null, report(), "", 1,
                over, -1, -1));

        assertThat(verdict.outcome().status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(verdict.outcome().failureKind()).isEqualTo(FailureKind.MEMORY);
        assertThat(verdict.reason()).isEqualTo(DeadLetterReason.MEMORY);
        assertThat(verdict.detail()).isEqualTo(over.exceeded());
    }

    /** The kernel kills one process of the task at its memory limit; the handler that ran it fails for that. */
    @Test
    void aMemoryKillIsMemoryThoughTheHandlerReportedTheFailureItCaused() throws IOException {
        MemorySeen killed = new MemorySeen(600L << 20, "killed by the kernel at its memory cgroup's limit of 600 MiB");
        Verdict verdict = classifier.classify(new ChildExit(1, 0, false, null, false, null, report(
                "{\"event\":\"error\",\"message\":\"the command was killed by SIGKILL\",\"trace\":\"\"}"), "", 1,
                killed, -1, -1));

        assertThat(verdict.outcome().status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(verdict.outcome().failureKind()).isEqualTo(FailureKind.MEMORY);
        assertThat(verdict.reason()).isEqualTo(DeadLetterReason.MEMORY);
        assertThat(verdict.detail()).isEqualTo(killed.exceeded());
    }

    @Test
    void outOfMemoryMarkerTellsOomFromSystemExitThree() throws IOException {
        String log = "Terminating due to java.lang.OutOfMemoryError: Java heap space\n";
        Verdict oom = classifier.classify(new ChildExit(1, 3, false, null, true, null, report(), log, 1,
                MemorySeen.NOT_WATCHED, -1, -1));
        Verdict exit = classifier.classify(exit(3, "{\"event\":\"exit\"}"));

        assertThat(oom.outcome().failureKind()).isEqualTo(FailureKind.OOM);
        assertThat(oom.detail()).contains("OutOfMemoryError: Java heap space").contains("-Xmx256m");
        assertThat(exit.outcome().failureKind()).isEqualTo(FailureKind.EXIT);
        assertThat(exit.outcome().exitCode()).isEqualTo(3);
    }

    @Test
    void fatalErrorLogMeansSignal() throws IOException {
        Verdict verdict = classifier.classify(new ChildExit(1, 134, false, null, false,
                "SIGSEGV (0xb) at pc=0x0, pid=1, tid=2", report(), "", 1, MemorySeen.NOT_WATCHED, -1, -1));

        assertThat(verdict.outcome().status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(verdict.outcome().failureKind()).isEqualTo(FailureKind.SIGNAL);
        assertThat(verdict.outcome().exitCode()).isEqualTo(134);
        assertThat(verdict.detail()).contains("SIGSEGV");
    }

    @Test
    void signalReportedByTheChildIsNamed() throws IOException {
        Verdict verdict = classifier.classify(exit(143, "{\"event\":\"signal\",\"name\":\"SIGTERM\"}"));

        assertThat(verdict.outcome().failureKind()).isEqualTo(FailureKind.SIGNAL);
        assertThat(verdict.detail()).contains("SIGTERM");
    }

    @Test
    void systemExitIsNeverMistakenForASignal() throws IOException {
        Verdict verdict = classifier.classify(exit(137, "{\"event\":\"exit\"}"));

        assertThat(verdict.outcome().failureKind()).isEqualTo(FailureKind.EXIT);
        assertThat(verdict.detail()).isEqualTo("called System.exit(137) without a result");
    }

    @Test
    void unreportedDeathAbove128IsTheSignalOfThatNumber() throws IOException {
        Verdict verdict = classifier.classify(exit(137));

        assertThat(verdict.outcome().failureKind()).isEqualTo(FailureKind.SIGNAL);
        assertThat(verdict.reason()).isEqualTo(DeadLetterReason.SIGNAL);
        assertThat(verdict.detail()).isEqualTo("killed by SIGKILL; exit code 137");
    }

    /** 200 is no death by a signal: a shell gives 128 plus the signal's number, at most 192. */
    @Test
    void anUnreportedExitCodeAboveTheSignalsIsAnExit() throws IOException {
        Verdict verdict = classifier.classify(exit(200));

        assertThat(verdict.outcome().failureKind()).isEqualTo(FailureKind.EXIT);
        assertThat(verdict.outcome().exitCode()).isEqualTo(200);
    }

    @Test
    void exitWithoutResultIsACrashEvenWithCodeZero() throws IOException {
        Verdict verdict = classifier.classify(exit(0));

        assertThat(verdict.outcome().status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(verdict.outcome().failureKind()).isEqualTo(FailureKind.EXIT);
        assertThat(verdict.outcome().exitCode()).isZero();
    }

    @Test
    void aTaskThatReachedTheProcessLimitSaysSoAfterWhyItEnded() throws IOException {
        ChildExit failed = new ChildExit(1, 0, false, null, false, null, report("{\"event\":\"error\","
                + "\"message\":\"the command exited with code 254\",\"trace\":\"\"}"), "", 1,
                MemorySeen.NOT_WATCHED, -1, 100);
        ChildExit crashed = new ChildExit(1, 134, false, null, false, null, report(), "", 1, MemorySeen.NOT_WATCHED,
                -1, 100);

        String limit = "; it reached its limit of 100 processes and threads (TASKFORK_TASK_PROCESSES)";
        assertThat(classifier.classify(failed).detail()).isEqualTo("the command exited with code 254" + limit);
        assertThat(classifier.classify(failed).outcome().error()).contains("the command exited with code 254")
                .endsWith("\nit reached its limit of 100 processes and threads (TASKFORK_TASK_PROCESSES)");
        assertThat(classifier.classify(crashed).detail()).isEqualTo("killed by SIGABRT; exit code 134" + limit);
        assertThat(classifier.classify(exit(134)).detail()).isEqualTo("killed by SIGABRT; exit code 134");
        ChildExit longFailure = new ChildExit(1, 0, false, null, false, null, report("{\"event\":\"error\","
                + "\"message\":\"" + "x".repeat(400) + "\",\"trace\":\"\"}"), "", 1, MemorySeen.NOT_WATCHED, -1, 100);
        assertThat(classifier.classify(longFailure).detail()).as("the detail's usual length, with the limit kept")
                .hasSize(WireFormat.MAX_DETAIL).endsWith("x…" + limit);
    }

    @Test
    void jvmThatCannotStartShowsItsLastWords() throws IOException {
        Verdict verdict = classifier.classify(new ChildExit(1, 1, false, null, false, null, report(),
                "Error: Could not find or load main class Nope\n", 1, MemorySeen.NOT_WATCHED, -1, -1));

        assertThat(verdict.detail()).isEqualTo(
                "exited with code 1 without a result; last output: Error: Could not find or load main class Nope");
    }

    @Test
    void oversizedResultIsAFailureNotASuccess() throws IOException {
        ChildReport report = new ChildReport(0);
        report.readAll(stream("{\"event\":\"result\",\"result\":\"" + "x".repeat(3 << 20) + "\"}\n"), 2 << 20);

        Verdict verdict = classifier.classify(new ChildExit(1, 0, false, null, false, null, report, "", 1,
                MemorySeen.NOT_WATCHED, -1, -1));

        assertThat(verdict.outcome().status()).isEqualTo(TaskStatus.FAILED);
        assertThat(verdict.detail()).isEqualTo("the handler's result or error, as JSON, is larger than the supervisor"
                + " accepts (2 MiB)");
        assertThat(verdict.retryable()).as("it would be as large next time").isFalse();
    }

    private static ChildExit exit(int code, String... events) throws IOException {
        return new ChildExit(1, code, false, null, false, null, report(events), "", 1, MemorySeen.NOT_WATCHED, -1, -1);
    }

    private static ChildReport report(String... events) throws IOException {
        ChildReport report = new ChildReport(0);
        report.readAll(stream(String.join("\n", events) + (events.length == 0 ? "" : "\n")), 1 << 20);
        return report;
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
