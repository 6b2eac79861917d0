package io.taskfork.consumer.ops;

import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.testing.IsolatedEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README, "Supervisor JVM flags": the supervisor {@code ops/taskfork consumer} starts keeps no
 * performance counters file, whose sampling woke one of its threads 20 times a second.
 */
class SupervisorFlagsIT {

    private static IsolatedEnvironment environment;

    @BeforeAll
    static void createEnvironment() {
        environment = IsolatedEnvironment.create(SupervisorFlagsIT.class);
    }

    @AfterAll
    static void dropEnvironment() throws Exception {
        environment.close();
    }

    @Test
    void opsTaskforkStartsTheSupervisorWithoutAPerformanceCountersFile() throws Exception {
        // HotSpot keeps the file in /tmp on Linux, whatever java.io.tmpdir says
        Path counters = Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"));
        assertThat(counters.resolve(Long.toString(ProcessHandle.current().pid())))
                .as("a JVM with the default flags, this one, keeps the file: the look below can see one").exists();
        Path log = Files.createTempFile("supervisor", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of("..", "ops", "taskfork").toString(), "consumer")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment.environment());
        Process supervisor = builder.start();
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "the supervisor consumes");
            // ops/taskfork execs java: the launcher's PID is the supervisor JVM's
            assertThat(counters.resolve(Long.toString(supervisor.pid()))).as(read(log)).doesNotExist();
        } finally {
            supervisor.destroy();
            supervisor.waitFor();
            Files.deleteIfExists(log);
        }
    }
}
