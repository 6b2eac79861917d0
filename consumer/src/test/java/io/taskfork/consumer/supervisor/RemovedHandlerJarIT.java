package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sha256.Sha256Handler;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A handler's jar taken off TASKFORK_HANDLER_PATH while the supervisor runs: its tasks say so. */
class RemovedHandlerJarIT {

    @TempDir
    static Path folder;
    private static Path jar;
    private static SupervisorFixture fixture;

    @BeforeAll
    static void startSupervisor() throws Exception {
        jar = Files.copy(Path.of(Sha256Handler.class.getProtectionDomain().getCodeSource().getLocation().toURI()),
                folder.resolve("sha256-handler.jar"));
        fixture = SupervisorFixture.start(RemovedHandlerJarIT.class, Map.of(
                "TASKFORK_HANDLER_PATH", jar.toString(), "TASKFORK_MAX_ATTEMPTS", "1"));
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        fixture.close();
    }

    @Test
    void aTaskWhoseHandlersJarWasRemovedFailsNamingTheClassAndTheSetting() throws Exception {
        Files.delete(jar);

        Task task = fixture.awaitTerminal(fixture.submit("sha256", "{\"file\": \"/etc/hostname\"}"));

        assertThat(task.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task.error()).contains("handler class com.example.sha256.Sha256Handler of type sha256 is no longer"
                + " on the children's classpath: was its jar removed from TASKFORK_HANDLER_PATH?");
    }
}
