package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class EndedTaskFoldersTest {

    @TempDir
    Path workRoot;
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(EndedTaskFolders.class);

    @AfterEach
    void stopListening() {
        logger.detachAppender(lines);
    }

    @Test
    void theLineCountsOneFolderAsOneAndMoreAsMany() throws IOException {
        lines.start();
        logger.addAppender(lines);
        Files.createDirectories(workRoot.resolve("11"));
        EndedTaskFolders.Rows allEnded = (ids, work) -> work.accept(new HashSet<>(ids));

        assertThat(EndedTaskFolders.sweep(workRoot, allEnded)).isEqualTo(1);
        Files.createDirectories(workRoot.resolve("12"));
        Files.createDirectories(workRoot.resolve("13"));
        assertThat(EndedTaskFolders.sweep(workRoot, allEnded)).isEqualTo(2);
        assertThat(EndedTaskFolders.sweep(workRoot, (ids, work) -> work.accept(Set.of()))).isZero();

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "removed 1 folder of a task that ended while its supervisor was gone",
                "removed 2 folders of tasks that ended while their supervisor was gone");
    }
}
