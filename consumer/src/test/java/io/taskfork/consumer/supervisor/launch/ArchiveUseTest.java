package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive only saves time: a child that cannot write it costs the archive, not the start. */
class ArchiveUseTest {

    @TempDir
    Path folder;

    @Test
    void aWriterThatCannotRunLeavesNoArchiveNoDraftAndTheStartGoingOn() throws Exception {
        Path cache = folder.resolve("cache");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ChildArchive archive = ChildArchive.forChildren(java, List.of(folder.resolve("handlers.jar").toString()), cache)
                .orElseThrow();
        HandlerPathStamp handlerPath = HandlerPathStamp.of(List.of());
        ArchiveUse use = new ArchiveUse(Optional.of(archive), null, folder, handlerPath);
        List<String> given = new ArrayList<>();

        use.writeIfMissing(List.of("com.example.Handler"), "-Dtaskfork.child.rehearse=true", (flags, request) -> {
            given.addAll(flags);
            // as a JVM killed halfway through its dump would leave them
            Path draft = draftIn(flags);
            Files.writeString(draft, "half an archive");
            Files.writeString(draft.resolveSibling(draft.getFileName() + ".config"), "half a configuration");
            throw new IOException("Cannot run program \"java\": error=12, Cannot allocate memory");
        });

        assertThat(given).contains("-Dtaskfork.child.rehearse=true");
        assertThat(use.flags(handlerPath)).as("children start without an archive").isEmpty();
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files.toList()).as("what the writer left in the cache").isEmpty();
        }
    }

    private static Path draftIn(List<String> flags) {
        return flags.stream()
                .filter(flag -> flag.startsWith("-XX:AOTCacheOutput=") || flag.startsWith("-XX:ArchiveClassesAtExit="))
                .map(flag -> Path.of(flag.substring(flag.indexOf('=') + 1)))
                .findFirst().orElseThrow();
    }
}
