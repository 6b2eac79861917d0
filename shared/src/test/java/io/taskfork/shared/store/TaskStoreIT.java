package io.taskfork.shared.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.config.TypeLimits;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskOutcome;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskStoreIT {

    private static final JsonNode PAYLOAD = Json.parse(
            "{\"text\":\"héllo \\\"world\\\"\",\"n\":42,\"ratio\":0.5,\"list\":[1,\"two\",null],\"nested\":{\"ok\":true}}");

    /** Long enough that no claim in these tests finds a running task stale. */
    private static final Duration LIVE = Duration.ofHours(1);
    /** Every running task counts as stale: its runner is taken for gone. */
    private static final Duration GONE = Duration.ZERO;

    private static IsolatedEnvironment env;
    private static TaskStore store;
    private static Workers workers;

    @BeforeAll
    static void openStore() {
        env = IsolatedEnvironment.create(TaskStoreIT.class);
        store = new TaskStore(env.database());
        workers = new Workers(env.database());
        // the worker most tests claim with is alive: its heartbeat is fresh
        workers.beat("host-a/1");
    }

    @AfterAll
    static void closeEnvironment() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void insertedTaskIsQueuedWithNoAttemptsAndItsPayload() {
        long id = store.insert(new NewTask("echo", PAYLOAD));

        Task task = store.find(id).orElseThrow();

        assertThat(task.id()).isEqualTo(id);
        assertThat(task.type()).isEqualTo("echo");
        assertThat(task.payload()).isEqualTo(PAYLOAD);
        assertThat(task.status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(task.attempts()).isZero();
        assertThat(task.createdAt()).isNotNull();
        assertThat(task.startedAt()).isNull();
        assertThat(task.finishedAt()).isNull();
        assertThat(task.worker()).isNull();
        assertThat(task.failureKind()).isNull();
        assertThat(task.exitCode()).isNull();
        assertThat(task.result()).isNull();
        assertThat(task.error()).isNull();
    }

    @Test
    void findOfAMissingTaskIsEmpty() {
        assertThat(store.find(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void insertAllReturnsTheIdsInTheOrderOfTheTasks() {
        List<NewTask> tasks = List.of(
                new NewTask("first", Json.parse("{\"i\":1}")),
                new NewTask("second", Json.parse("{\"i\":2}")),
                new NewTask("third", Json.parse("{\"i\":3}")));

        List<Long> ids = store.insertAll(tasks);

        assertThat(ids).hasSize(3).doesNotHaveDuplicates();
        for (int i = 0; i < tasks.size(); i++) {
            Task task = store.find(ids.get(i)).orElseThrow();
            assertThat(task.type()).isEqualTo(tasks.get(i).type());
            assertThat(task.payload()).isEqualTo(tasks.get(i).payload());
            assertThat(task.status()).isEqualTo(TaskStatus.QUEUED);
        }
    }

    @Test
    void createFromMessageTwiceWithTheSameMessageIdGivesTheSameRowAndTellsAnotherMessageFromACopy() {
        String messageId = "msg-" + UUID.randomUUID();

        TaskStore.FromMessage first = store.createFromMessage(new NewTask("echo",
                Json.parse("{\"n\":100,\"s\":\"x\"}")), messageId);
        TaskStore.FromMessage copy = store.createFromMessage(new NewTask("echo",
                Json.parse("{\"s\":\"x\",\"n\":1e2}")), messageId);
        TaskStore.FromMessage other = store.createFromMessage(new NewTask("echo", Json.parse("{\"other\":true}")),
                messageId);
        TaskStore.FromMessage otherType = store.createFromMessage(new NewTask("sleep",
                Json.parse("{\"n\":100,\"s\":\"x\"}")), messageId);

        assertThat(first.task().status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(first.anotherMessage()).isFalse();
        assertThat(copy.task().id()).isEqualTo(first.task().id());
        assertThat(copy.anotherMessage()).as("the same payload, written otherwise").isFalse();
        assertThat(other.task().id()).isEqualTo(first.task().id());
        assertThat(other.task().payload()).isEqualTo(first.task().payload());
        assertThat(other.anotherMessage()).isTrue();
        assertThat(otherType.anotherMessage()).isTrue();
        assertThat(rowsWithMessageId(messageId)).isEqualTo(1);
    }

    @Test
    void createFromMessageWithoutMessageIdCreatesARowEachTime() {
        Task first = store.createFromMessage(new NewTask("echo", PAYLOAD), null).task();
        Task second = store.createFromMessage(new NewTask("echo", PAYLOAD), null).task();

        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(store.find(first.id())).isPresent();
        assertThat(store.find(second.id())).isPresent();
    }

    @Test
    void claimStartsANewAttemptOnTheWorker() {
        long id = store.insert(new NewTask("echo", PAYLOAD));

        Task claimed = store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();

        assertThat(claimed.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(claimed.attempts()).isEqualTo(1);
        assertThat(claimed.startedAt()).isNotNull();
        assertThat(claimed.worker()).isEqualTo("host-a/1");
        assertThat(store.find(id).orElseThrow()).isEqualTo(claimed);
    }

    @Test
    void claimOfATaskRunningNowIsEmptyAndLeavesTheRow() {
        long id = store.insert(new NewTask("echo", PAYLOAD));
        Task running = store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();

        assertThat(store.attempts().claim(id, "host-b/2", LIVE)).isEmpty();
        assertThat(store.find(id).orElseThrow()).isEqualTo(running);
    }

    @Test
    void claimOfAStaleRunningTaskCountsTheNextAttemptOnTheNewWorker() {
        long id = store.insert(new NewTask("echo", PAYLOAD));
        Task first = store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();

        Task again = store.attempts().claim(id, "host-b/2", GONE).orElseThrow();

        assertThat(again.attempts()).isEqualTo(2);
        assertThat(again.worker()).isEqualTo("host-b/2");
        assertThat(again.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(again.startedAt()).isAfter(first.startedAt());
    }

    @ParameterizedTest
    @EnumSource(value = TaskStatus.class, names = {"SUCCEEDED", "FAILED", "CRASHED", "CANCELLED"})
    void claimOfATerminalTaskIsEmptyAndLeavesTheRow(TaskStatus terminal) {
        long id = store.insert(new NewTask("echo", PAYLOAD));
        store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();
        FailureKind kind = switch (terminal) {
            case FAILED -> FailureKind.EXCEPTION;
            case CRASHED -> FailureKind.EXIT;
            default -> null;
        };
        assertThat(store.attempts().finish(id, 1, new TaskOutcome(terminal, kind, null, null, "error", "log")))
                .isTrue();
        Task finished = store.find(id).orElseThrow();

        assertThat(store.attempts().claim(id, "host-b/2", GONE)).isEmpty();
        assertThat(store.find(id).orElseThrow()).isEqualTo(finished);
    }

    @Test
    void claimOfAMissingTaskIsEmpty() {
        assertThat(store.attempts().claim(Long.MAX_VALUE, "host-a/1", GONE)).isEmpty();
    }

    @Test
    void finishWithAStaleAttemptIsRefusedAndLeavesTheRow() {
        long id = store.insert(new NewTask("echo", PAYLOAD));
        store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();
        Task running = store.attempts().claim(id, "host-b/2", GONE).orElseThrow();

        boolean recorded = store.attempts().finish(id, 1, succeeded(Json.parse("{\"stale\":true}")));

        assertThat(recorded).isFalse();
        assertThat(store.find(id).orElseThrow()).isEqualTo(running);
        assertThat(store.log(id)).isEmpty();
    }

    @Test
    void finishOfATaskNeverClaimedIsRefused() {
        long id = store.insert(new NewTask("echo", PAYLOAD));

        assertThat(store.attempts().finish(id, 0, succeeded(PAYLOAD))).isFalse();
        assertThat(store.find(id).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);
    }

    @Test
    void finishTwiceRecordsOnlyTheFirstOutcome() {
        long id = store.insert(new NewTask("echo", PAYLOAD));
        store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();
        assertThat(store.attempts().finish(id, 1, succeeded(PAYLOAD))).isTrue();

        boolean again = store.attempts().finish(id, 1,
                new TaskOutcome(TaskStatus.CRASHED, FailureKind.TIMEOUT, 137, null, "killed", "late"));

        assertThat(again).isFalse();
        assertThat(store.find(id).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void finishWithTheCurrentAttemptRecordsTheWholeOutcome() {
        long id = store.insert(new NewTask("crash", PAYLOAD));
        Task running = store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();
        JsonNode partial = Json.parse("{\"done\":3}");

        boolean recorded = store.attempts().finish(id, 1,
                new TaskOutcome(TaskStatus.CRASHED, FailureKind.SIGNAL, 134, partial, "child died of SIGABRT",
                        "line one\nline two\n"));

        assertThat(recorded).isTrue();
        Task task = store.find(id).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.SIGNAL);
        assertThat(task.exitCode()).isEqualTo(134);
        assertThat(task.result()).isEqualTo(partial);
        assertThat(task.error()).isEqualTo("child died of SIGABRT");
        assertThat(task.finishedAt()).isNotNull().isAfterOrEqualTo(running.startedAt());
        assertThat(task.attempts()).isEqualTo(1);
        assertThat(task.worker()).isEqualTo("host-a/1");
        assertThat(store.log(id)).contains("line one\nline two\n");
    }

    @Test
    void finishOfASuccessRecordsTheResultAndNoFailure() {
        long id = store.insert(new NewTask("echo", PAYLOAD));
        store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();

        assertThat(store.attempts().finish(id, 1, succeeded(PAYLOAD))).isTrue();

        Task task = store.find(id).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.result()).isEqualTo(PAYLOAD);
        assertThat(task.failureKind()).isNull();
        assertThat(task.exitCode()).isNull();
        assertThat(task.error()).isNull();
        assertThat(task.finishedAt()).isNotNull();
    }

    @ParameterizedTest
    @EnumSource(FailureKind.class)
    void everyFailureKindCanBeRecorded(FailureKind kind) {
        long id = store.insert(new NewTask("any", PAYLOAD));
        store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();
        TaskStatus status = kind.isCrash() ? TaskStatus.CRASHED : TaskStatus.FAILED;

        assertThat(store.attempts().finish(id, 1, new TaskOutcome(status, kind, null, null, "why", ""))).isTrue();

        assertThat(store.find(id).orElseThrow().failureKind()).isEqualTo(kind);
    }

    @Test
    void claimOfARetryingTaskCountsTheNextAttemptAndClearsTheOldOutcome() {
        long id = store.insert(new NewTask("echo", PAYLOAD));
        store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();
        env.database().jdbi().useHandle(handle -> handle.execute(
                "update tasks set status = 'retrying', failure_kind = 'exception', error = 'boom' where id = ?", id));

        Task again = store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();

        assertThat(again.attempts()).isEqualTo(2);
        assertThat(again.failureKind()).isNull();
        assertThat(again.error()).isNull();
        assertThat(again.finishedAt()).isNull();
    }

    @Test
    void failUnknownTypeFailsTheTaskWithoutRunningIt() {
        long id = store.insert(new NewTask("no-such-type", PAYLOAD));

        boolean failed = store.failUnknownType(id, "no handler for type no-such-type");

        assertThat(failed).isTrue();
        Task task = store.find(id).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.failureKind()).isEqualTo(FailureKind.UNKNOWN_TYPE);
        assertThat(task.error()).isEqualTo("no handler for type no-such-type");
        assertThat(task.finishedAt()).isNotNull();
        assertThat(task.attempts()).isZero();
        assertThat(task.startedAt()).isNull();
    }

    @Test
    void failUnknownTypeLeavesATerminalTaskAlone() {
        long id = store.insert(new NewTask("echo", PAYLOAD));
        store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();
        store.attempts().finish(id, 1, succeeded(PAYLOAD));

        assertThat(store.failUnknownType(id, "no handler")).isFalse();
        assertThat(store.find(id).orElseThrow().status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    private static TaskOutcome succeeded(JsonNode result) {
        return new TaskOutcome(TaskStatus.SUCCEEDED, null, null, result, null, "");
    }

    private static int rowsWithMessageId(String messageId) {
        return env.database().jdbi().withHandle(handle -> handle
                .createQuery("select count(*) from tasks where message_id = :messageId")
                .bind("messageId", messageId)
                .mapTo(Integer.class)
                .one());
    }

    @Test
    void outcomeWithNulCharactersIsRecordedWithoutThem() {
        long id = store.insert(new NewTask("fail", PAYLOAD));
        store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();

        boolean recorded = store.attempts().finish(id, 1, new TaskOutcome(TaskStatus.FAILED, FailureKind.EXCEPTION, 0,
                Json.parse("{\"x\":\"a\\u0000b\"}"), "boom\0!", "out\0put"));

        assertThat(recorded).isTrue();
        Task task = store.find(id).orElseThrow();
        assertThat(task.error()).isEqualTo("boom!");
        assertThat(task.result().path("x").asText()).isEqualTo("ab");
        assertThat(store.log(id)).contains("output");
    }

    @Test
    void claimKeepsFractionsOfASecondOfStaleness() {
        long id = store.insert(new NewTask("sleep", PAYLOAD));
        store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();

        assertThat(store.attempts().claim(id, "host-b/2", Duration.ofMillis(900))).isEmpty();
    }

    @Test
    void taskRunningOnAWorkerWithoutHeartbeatIsClaimedAgain() {
        long id = store.insert(new NewTask("sleep", PAYLOAD));
        store.attempts().claim(id, "ghost/99", LIVE).orElseThrow();

        Task again = store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();

        assertThat(again.attempts()).isEqualTo(2);
        assertThat(again.worker()).isEqualTo("host-a/1");
    }

    @Test
    void taskRunningOnAWorkerWhoseHeartbeatIs25SecondsOldIsNotClaimed() {
        long id = runningOnWorkerLastHeardFrom("quiet/25", Duration.ofSeconds(25));

        assertThat(store.attempts().claim(id, "host-a/1", LIVE)).as("25 s of silence is not yet death").isEmpty();
        assertThat(store.find(id).orElseThrow().worker()).isEqualTo("quiet/25");
    }

    @Test
    void taskRunningOnAWorkerWhoseHeartbeatIs35SecondsOldIsClaimed() {
        long id = runningOnWorkerLastHeardFrom("quiet/35", Duration.ofSeconds(35));

        Task again = store.attempts().claim(id, "host-a/1", LIVE).orElseThrow();

        assertThat(again.attempts()).isEqualTo(2);
        assertThat(again.worker()).isEqualTo("host-a/1");
    }

    @Test
    void aWorkersSilenceIsHowLongAgoItLastBeatAndNoneForAWorkerWithoutAHeartbeat() {
        runningOnWorkerLastHeardFrom("quiet/12", Duration.ofSeconds(12));

        assertThat(workers.silentFor("quiet/12")).hasValueSatisfying(silence -> assertThat(silence)
                .isBetween(Duration.ofSeconds(12), Duration.ofSeconds(14)));
        assertThat(workers.silentFor("never/1")).isEmpty();
    }

    /** A task claimed by {@code worker}, whose last heartbeat was {@code silentFor} ago. */
    private static long runningOnWorkerLastHeardFrom(String worker, Duration silentFor) {
        workers.beat(worker);
        long id = store.insert(new NewTask("sleep", PAYLOAD));
        store.attempts().claim(id, worker, LIVE).orElseThrow();
        env.database().jdbi().useHandle(handle -> handle
                .createUpdate("update workers set heartbeat_at = now() - make_interval(secs => :seconds)"
                        + " where name = :name")
                .bind("seconds", silentFor.toSeconds())
                .bind("name", worker)
                .execute());
        return id;
    }

    @Test
    void deadWorkersOfAHostAreForgottenAndLiveOnesKept() {
        workers.beat("box/101");
        workers.beat("box/102");
        workers.beat("other/101");

        List<String> forgotten = workers.forgetDeadOn("box", pid -> pid == 102);

        assertThat(forgotten).containsExactly("box/101");
        long id = store.insert(new NewTask("sleep", PAYLOAD));
        store.attempts().claim(id, "box/102", LIVE).orElseThrow();
        assertThat(store.attempts().claim(id, "host-a/1", LIVE)).as("box/102 is alive").isEmpty();
    }

    @Test
    void claimLimitedToTypesLeavesATaskOfAnotherTypeQueued() {
        long id = store.insert(new NewTask("render", PAYLOAD));

        assertThat(store.attempts().claim(id, "host-a/1", LIVE, List.of("echo", "sleep"))).isEmpty();
        assertThat(store.find(id).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);
        assertThat(store.attempts().claim(id, "host-a/1", LIVE, List.of("render")).orElseThrow().attempts())
                .isEqualTo(1);
    }

    @Test
    void claimOfALimitedTypeWaitsWhileItsLimitRunsAndAnyTypeIsClaimedWithoutAList() {
        TypeLimits one = new TypeLimits(java.util.Map.of("limited", 1));
        long first = store.insert(new NewTask("limited", PAYLOAD));
        long second = store.insert(new NewTask("limited", PAYLOAD));

        assertThat(store.attempts().claim(first, "host-a/1", LIVE, null, one)).isPresent();
        assertThat(store.attempts().claim(second, "host-a/1", LIVE, null, one)).as("one runs already").isEmpty();
        assertThat(store.attempts().claim(second, "host-a/1", LIVE, List.of("limited"), one)).isEmpty();
        store.attempts().finish(first, 1, succeeded(PAYLOAD));
        assertThat(store.attempts().claim(second, "host-a/1", LIVE, null, one)).isPresent();
    }

    @Test
    void cancelledAmongNamesOnlyTheCancelledOfTheTasksAskedAbout() {
        long cancelled = store.insert(new NewTask("echo", PAYLOAD));
        long running = store.insert(new NewTask("echo", PAYLOAD));
        long cancelledElsewhere = store.insert(new NewTask("echo", PAYLOAD));
        store.cancel(cancelled);
        store.cancel(cancelledElsewhere);

        assertThat(store.cancelledAmong(List.of(cancelled, running))).containsExactly(cancelled);
        assertThat(store.cancelledAmong(List.of())).isEmpty();
    }
}
