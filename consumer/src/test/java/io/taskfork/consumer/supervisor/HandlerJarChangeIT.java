package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.HandlerJar;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "Write your own handler": a changed jar is used by the next task, without a restart of the
 * supervisor, even though standby children were started on the old one; and "Class-data sharing":
 * children map an archive of the new jar soon after.
 */
class HandlerJarChangeIT {

    @TempDir
    Path folder;

    @Test
    void aJarRenamedOverTheOldOneIsUsedByTheNextTask() throws Exception {
        Path jar = HandlerJar.write(folder.resolve("versioned.jar"), "Versioned", HandlerJar.versioned("before"));
        try (SupervisorFixture fixture = supervisorWith(jar)) {
            Task before = fixture.awaitTerminal(fixture.submit("versioned", "{}"));

            // as a deployment does it: the new build is written beside the old one and renamed over it;
            // here of the same size and time to the second, which is all the JVM checks of an archived jar
            Path next = HandlerJar.write(folder.resolve("versioned.jar.next"), "Versioned",
                    HandlerJar.versioned("second"));
            assertThat(Files.size(next)).as("the new jar's size, as the old one's").isEqualTo(Files.size(jar));
            Files.setLastModifiedTime(next, Files.getLastModifiedTime(jar));
            Files.move(next, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Task after = fixture.awaitTerminal(fixture.submit("versioned", "{}"));

            assertThat(before.status()).as(before.toString()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(before.result().path("version").asText()).isEqualTo("before");
            assertThat(after.status()).as(after.toString()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(after.result().path("version").asText()).isEqualTo("second");

            String archived = before.result().path("archive").asText();
            assertThat(archived).as("the archive the first child mapped").isNotEmpty();
            Task renewed = awaitArchiveOtherThan(fixture, archived);
            assertThat(renewed.result().path("version").asText()).as(renewed.toString()).isEqualTo("second");
        }
    }

    /** The first task, of those submitted one after another, whose child mapped an archive, not {@code old}. */
    private static Task awaitArchiveOtherThan(SupervisorFixture fixture, String old) throws Exception {
        long deadline = System.nanoTime() + SupervisorFixture.WITHIN.toNanos();
        Task task;
        do {
            task = fixture.awaitTerminal(fixture.submit("versioned", "{}"));
            assertThat(task.status()).as(task.toString()).isEqualTo(TaskStatus.SUCCEEDED);
            String archive = task.result().path("archive").asText();
            if (!archive.isEmpty() && !archive.equals(old)) {
                return task;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no child mapped an archive of the changed jar within " + SupervisorFixture.WITHIN
                + "; the last task: " + task);
    }

    @Test
    void aJarOverwrittenInPlaceIsUsedByTheNextTask() throws Exception {
        Path jar = HandlerJar.write(folder.resolve("versioned.jar"), "Versioned", HandlerJar.versioned("first"));
        try (SupervisorFixture fixture = supervisorWith(jar)) {
            Task before = fixture.awaitTerminal(fixture.submit("versioned", "{}"));

            HandlerJar.write(jar, "Versioned", HandlerJar.versioned("second, a longer version"));
            Task after = fixture.awaitTerminal(fixture.submit("versioned", "{}"));

            assertThat(before.result().path("version").asText()).as(before.toString()).isEqualTo("first");
            assertThat(after.status()).as(after.toString()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(after.result().path("version").asText()).isEqualTo("second, a longer version");

            Task renewed = awaitArchiveOtherThan(fixture, before.result().path("archive").asText());
            assertThat(renewed.result().path("version").asText()).as(renewed.toString())
                    .isEqualTo("second, a longer version");
        }
    }

    private SupervisorFixture supervisorWith(Path jar) throws Exception {
        return SupervisorFixture.start(HandlerJarChangeIT.class, Map.of("TASKFORK_HANDLER_PATH", jar.toString(),
                "TASKFORK_CACHE_DIR", folder.resolve("cache").toString()));
    }
}
