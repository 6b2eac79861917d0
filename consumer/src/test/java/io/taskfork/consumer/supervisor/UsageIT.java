package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every attempt records what it cost: its CPU, its peak memory, and the CPU of all attempts so far. */
class UsageIT {

    private static final long MB = 1024 * 1024;
    // Burns one CPU-second in bash itself, by its own account in /proc, whatever else the host runs.
    private static final String ONE_CPU_SECOND = "while :; do read -r -a f < /proc/$$/stat;"
            + " (( f[13] + f[14] >= 100 )) && break; done";

    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        // without the memory cap's looks, every figure is the child's own (MemoryCapIT has the cap's)
        fixture = SupervisorFixture.start(UsageIT.class, Map.of("TASKFORK_EXEC_ALLOW", "bash",
                "TASKFORK_RETRY_DELAY", "100ms", "TASKFORK_TASK_MEMORY", "off"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    /**
     * The JVM's own start is counted too, and it costs a host whose CPU is cut several times what
     * it costs an idle one: the loop is held to the same command running nothing, in the same run.
     */
    @Test
    void aShellLoopThatBurnsOneCpuSecondRecordsAboutOneCpuSecond() throws Exception {
        Task nothing = fixture.awaitTerminal(fixture.submit("exec", "{\"argv\": [\"bash\", \"-c\", \"true\"]}"));
        long id = fixture.submit("exec", "{\"argv\": [\"bash\", \"-c\", \"" + ONE_CPU_SECOND + "\"]}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).as(task.error()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(nothing.cpuSeconds()).isLessThan(1.0);
        assertThat(task.cpuSeconds() - nothing.cpuSeconds())
                .as("%s against %s", task.cpuSeconds(), nothing.cpuSeconds()).isBetween(0.8, 1.5);
        assertThat(task.totalCpuSeconds()).isEqualTo(task.cpuSeconds());
    }

    @Test
    void anAllocationOf200MegabytesRecordsAPeakOfAtLeast200Megabytes() throws Exception {
        long id = fixture.submit("allocate", "{\"mb\": 200}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).as(task.error()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.peakMemoryBytes()).isGreaterThanOrEqualTo(200 * MB).isLessThan(400 * MB);
    }

    @Test
    void aTaskOfAFewMillisecondsStillGetsItsFigures() throws Exception {
        long id = fixture.submit("echo", "{}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.cpuSeconds()).isNotNull().isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
        assertThat(task.peakMemoryBytes()).isNotNull().isGreaterThan(10 * MB);
    }

    @Test
    void aChildThatDiesBeforeItReportsLeavesItsFiguresUnknown() throws Exception {
        long id = fixture.submit("crash", "{\"mode\": \"exit\", \"code\": 4}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.CRASHED);
        assertThat(task.cpuSeconds()).isNull();
        assertThat(task.peakMemoryBytes()).isNull();
        assertThat(task.totalCpuSeconds()).isNull();
    }

    /** The cancel ends the row at once; its log, exit code and CPU follow once the child is killed. */
    @Test
    void aTaskCancelledBySqlByHandWhileItRunsGetsItsFinishTimeWithWhatItUsed() throws Exception {
        long id = fixture.submit("exec", "{\"argv\": [\"bash\", \"-c\", \"echo started; sleep 600\"]}");
        fixture.awaitTaskWhere("id = " + id + " and status = 'running' and log like '%started%'");

        fixture.environment().database().jdbi().useHandle(handle -> handle
                .execute("update tasks set status = 'cancelled' where id = ?", id));
        fixture.awaitTaskWhere("id = " + id + " and exit_code is not null");

        Task task = fixture.store().find(id).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(task.finishedAt()).as("set by the supervisor, as a cancel by the command sets it").isNotNull();
    }

    @Test
    void aTaskCancelledWhileItRunsKeepsItsLogAndWhatItUsedUpToTheKill() throws Exception {
        long id = fixture.submit("exec", "{\"argv\": [\"bash\", \"-c\", \"echo started; " + ONE_CPU_SECOND
                + "; echo burnt; sleep 600\"]}");
        // the running log is copied into the row every second: the loop has ended once it holds the line after it
        fixture.awaitTaskWhere("id = " + id + " and status = 'running' and log like '%burnt%'");

        fixture.store().cancel(id);
        fixture.awaitTaskWhere("id = " + id + " and exit_code is not null");

        Task task = fixture.store().find(id).orElseThrow();
        assertThat(task.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(task.cpuSeconds()).as("the loop's CPU-second and the JVM's own").isGreaterThan(0.8);
        assertThat(task.totalCpuSeconds()).isEqualTo(task.cpuSeconds());
        assertThat(fixture.store().log(id).orElseThrow()).contains("started", "burnt");
    }

    @Test
    void retriedAttemptsKeepTheLastOnesFiguresAndAddUpTheirCpu() throws Exception {
        long id = fixture.submit("flaky", "{\"succeed_on\": 3}");

        Task task = fixture.awaitTerminal(id);

        assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(task.attempts()).isEqualTo(3);
        assertThat(task.totalCpuSeconds()).as("three attempts' CPU, each at least a JVM's own")
                .isGreaterThan(task.cpuSeconds());
    }
}
