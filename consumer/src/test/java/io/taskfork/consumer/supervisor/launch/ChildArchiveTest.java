package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive's name follows the jars it holds: a jar that is another file gets another name. */
class ChildArchiveTest {

    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path folder;

    @Test
    void aJarRenamedOverTheOldOneOfTheSameSizeAndTimeGetsAnotherName() throws Exception {
        Path jar = Files.writeString(folder.resolve("handlers.jar"), "first");
        Path before = archiveOf(jar).orElseThrow().file();

        Path next = Files.writeString(folder.resolve("handlers.jar.next"), "other");
        Files.setLastModifiedTime(next, Files.getLastModifiedTime(jar));
        Files.move(next, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        assertThat(archiveOf(jar).orElseThrow().file()).isNotEqualTo(before);
        assertThat(archiveOf(jar).orElseThrow().file()).as("the same jar, asked again")
                .isEqualTo(archiveOf(jar).orElseThrow().file());
    }

    @Test
    void anEntryThatCannotBeReadGivesNoArchive() {
        assertThat(archiveOf(folder.resolve("missing.jar"))).isEmpty();
    }

    private Optional<ChildArchive> archiveOf(Path jar) {
        return ChildArchive.forChildren(JAVA, List.of(jar.toString()), folder.resolve("cache"));
    }
}
