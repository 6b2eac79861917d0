package io.taskfork.shared.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.TaskStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TaskColumnValuesTest {

    private static final Pattern CHECK_LIST = Pattern.compile("check \\((\\w+) in \\(([^)]*)\\)\\)");

    @Test
    void statusValuesAreExactlyTheDocumentedOnes() {
        assertThat(Arrays.stream(TaskStatus.values()).map(TaskStatus::value))
                .containsExactlyInAnyOrder("scheduled", "queued", "running", "retrying", "succeeded", "failed", "crashed",
                        "cancelled", "expired");
    }

    @Test
    void onlySucceededFailedCrashedCancelledAndExpiredAreTerminal() {
        assertThat(Arrays.stream(TaskStatus.values()).filter(TaskStatus::isTerminal))
                .containsExactlyInAnyOrder(TaskStatus.SUCCEEDED, TaskStatus.FAILED, TaskStatus.CRASHED,
                        TaskStatus.CANCELLED, TaskStatus.EXPIRED);
    }

    @Test
    void failureKindValuesAreTheDocumentedOnes() {
        assertThat(Arrays.stream(FailureKind.values()).map(FailureKind::value))
                .containsExactlyInAnyOrder("exception", "unknown-type", "exit", "signal", "oom", "timeout", "memory",
                        "delivery-limit");
    }

    @Test
    void crashKindsAreTheFiveWaysAChildDies() {
        assertThat(Arrays.stream(FailureKind.values()).filter(FailureKind::isCrash))
                .containsExactlyInAnyOrder(FailureKind.EXIT, FailureKind.SIGNAL, FailureKind.OOM, FailureKind.TIMEOUT,
                        FailureKind.MEMORY);
    }

    @Test
    void statusAndFailureKindAreFoundByTheirValues() {
        for (TaskStatus status : TaskStatus.values()) {
            assertThat(TaskStatus.of(status.value())).isEqualTo(status);
        }
        for (FailureKind kind : FailureKind.values()) {
            assertThat(FailureKind.of(kind.value())).isEqualTo(kind);
        }
    }

    @Test
    void migrationAllowsExactlyTheStatusAndFailureKindValues() throws IOException {
        // V14 redefines the failure_kind check, with 'delivery-limit' added; V10 the status check,
        // with 'scheduled' and 'expired'
        String statuses = resource("/db/migration/V10__scheduling.sql");
        String failureKinds = resource("/db/migration/V14__delivery_limit_failure_kind.sql");

        assertThat(checkedValues(statuses, "status"))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(TaskStatus.values()).map(TaskStatus::value).toList());
        assertThat(checkedValues(failureKinds, "failure_kind"))
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(FailureKind.values()).map(FailureKind::value).toList());
    }

    private static List<String> checkedValues(String sql, String column) {
        Matcher matcher = CHECK_LIST.matcher(sql);
        while (matcher.find()) {
            if (matcher.group(1).equals(column)) {
                return Arrays.stream(matcher.group(2).split(","))
                        .map(value -> value.strip().replace("'", ""))
                        .toList();
            }
        }
        throw new AssertionError("no check constraint on " + column);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = TaskColumnValuesTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
