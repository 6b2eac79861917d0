package io.taskfork.consumer.child;

import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.child.handlers.EchoHandler;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child writes its events after whatever its events file already holds, never over it. */
class EventsFileTest {

    @TempDir
    Path folder;

    @Test
    void aFileGivenAsTheEventsPathKeepsWhatItHeld() throws Exception {
        Path events = Files.writeString(folder.resolve("events"), "held before\n");
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ChildMain.class.getName(), events.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream stdin = child.getOutputStream()) {
            stdin.write(("{\"kind\":\"task\",\"id\":1,\"type\":\"echo\",\"attempt\":1,\"handler\":\""
                    + EchoHandler.class.getName() + "\",\"workDirectory\":\"" + folder + "\",\"payload\":{}}\n")
                    .getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            // stdin held open until the report is out: its end before that reads as an orphaning
            awaitTrue(() -> RehearsalTest.holdsResult(events), "the child reported");
        } finally {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }

        assertThat(Files.readString(events)).startsWith("held before\n");
        assertThat(RehearsalTest.holdsResult(events)).isTrue();
    }
}
