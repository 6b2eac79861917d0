package io.taskfork.consumer;

import static io.taskfork.consumer.testing.PackagedConsumer.awaitEnded;
import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static io.taskfork.consumer.testing.PackagedConsumer.read;
import static io.taskfork.consumer.testing.PackagedConsumer.start;
import static io.taskfork.consumer.testing.PackagedConsumer.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Results near the 16 MiB a child's line may have, as many at once as the supervisor runs, in ops/taskfork's heap. */
class LargeResultsIT {

    @TempDir
    static Path folder;
    private static IsolatedEnvironment environment;

    @BeforeAll
    static void createEnvironment() {
        environment = IsolatedEnvironment.create(LargeResultsIT.class);
    }

    @AfterAll
    static void dropEnvironment() throws Exception {
        environment.close();
    }

    @Test
    void fourResultsOf15MiBAtOnceEachSucceedInTheSupervisorsHeapOf256MiB() throws Exception {
        Map<String, String> variables = new HashMap<>(environment.environment());
        variables.put("TASKFORK_HANDLER_PATH", SupervisorFixture.testClasses().toString());
        variables.put("TASKFORK_PREFETCH", "4");
        variables.put("TASKFORK_TASK_MEMORY", "off");
        variables.put("TASKFORK_TASK_TIMEOUT", "3m");
        Path log = Files.createTempFile(folder, "consumer", ".log");
        // the supervisor's heap as ops/taskfork gives it
        Process consumer = start(variables, log, List.of("-XX:+UseSerialGC", "-Xmx256m", "-Xmn24m"));
        try {
            awaitTrue(() -> read(log).contains("consuming " + environment.queues().main()), "consumer started");
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(submit(environment, "awkward", "{\"does\":\"return-megabytes\",\"mb\":15}"));
            }
            for (long id : ids) {
                Task task = awaitEnded(environment, id);
                assertThat(task.status()).as("task %d: %s\n%s", id, task.error(), read(log))
                        .isEqualTo(TaskStatus.SUCCEEDED);
                assertThat(task.result().textValue()).hasSize(15 << 20);
            }
            assertThat(read(log)).doesNotContain("OutOfMemoryError");
        } finally {
            consumer.destroy();
            consumer.waitFor();
        }
    }
}
