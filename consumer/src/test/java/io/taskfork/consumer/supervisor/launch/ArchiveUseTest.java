package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive only saves time: a child that cannot write it costs the archive, not the start; a jar
 * that changes while the supervisor runs has one written for it in the background.
 */
class ArchiveUseTest {

    @TempDir
    Path folder;

    @Test
    void aWriterThatCannotRunLeavesNoArchiveNoDraftAndTheStartGoingOn() throws Exception {
        Path cache = folder.resolve("cache");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path jar = Files.createFile(folder.resolve("handlers.jar"));
        ChildArchive archive = ChildArchive.forChildren(java, List.of(jar.toString()), cache).orElseThrow();
        HandlerPathStamp handlerPath = HandlerPathStamp.of(List.of());
        ArchiveUse use = new ArchiveUse(() -> Optional.of(archive), new ArchiveWriter(null, folder), () -> handlerPath);
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

    @Test
    void aChangedHandlerPathHasOneArchiveWrittenInTheBackgroundAndNotAgainWhileItStaysAsItIs() throws Exception {
        AtomicReference<HandlerPathStamp> handlerPath = new AtomicReference<>(new HandlerPathStamp(List.of("first")));
        ArchiveUse use = versionedUse(handlerPath);
        List<Path> drafts = new CopyOnWriteArrayList<>();
        ArchiveWriter.Child writer = (flags, request) -> {
            drafts.add(draftIn(flags));
            throw new IOException("Cannot run program \"java\": error=12, Cannot allocate memory");
        };
        use.writeIfMissing(List.of("com.example.Handler"), "-Dtaskfork.child.rehearse=true", writer);
        assertThat(drafts).as("the writer at the start").hasSize(1);

        HandlerPathStamp second = new HandlerPathStamp(List.of("second"));
        handlerPath.set(second);
        assertThat(use.flags(second)).as("children started after the change").isEmpty();
        awaitSize(drafts, 2);
        for (int i = 0; i < 5; i++) {
            assertThat(use.flags(second)).isEmpty();
            Thread.sleep(100);
        }
        assertThat(drafts).as("a writer that failed is not tried again for the same jars").hasSize(2);
        assertThat(drafts.get(1).getFileName()).as("the new archive's name").isNotEqualTo(drafts.get(0).getFileName());

        HandlerPathStamp third = new HandlerPathStamp(List.of("third"));
        handlerPath.set(third);
        use.flags(third);
        awaitSize(drafts, 3);
        use.close();
    }

    @Test
    void anArchiveWrittenWhileTheJarsChangedAgainIsNotMapped() throws Exception {
        AtomicReference<HandlerPathStamp> handlerPath = new AtomicReference<>(new HandlerPathStamp(List.of("first")));
        ArchiveUse use = versionedUse(handlerPath);
        List<Path> archives = new CopyOnWriteArrayList<>();
        // the writer leaves the archive itself, as another supervisor on the host may have; while the
        // second version's is written, the jars change again
        ArchiveWriter.Child writer = (flags, request) -> {
            Path draft = draftIn(flags);
            Path archive = draft.resolveSibling(draft.getFileName().toString().replaceFirst("\\.\\d+\\.draft$", ""));
            Files.writeString(archive, "an archive");
            archives.add(archive);
            if (archives.size() == 2) {
                handlerPath.set(new HandlerPathStamp(List.of("third")));
            }
            throw new IOException("the writer's own end does not matter here");
        };
        use.writeIfMissing(List.of("com.example.Handler"), "-Dtaskfork.child.rehearse=true", writer);
        HandlerPathStamp first = handlerPath.get();
        assertThat(use.flags(first)).as("at the start").anyMatch(flag -> flag.endsWith(archives.get(0).toString()));

        HandlerPathStamp second = new HandlerPathStamp(List.of("second"));
        handlerPath.set(second);
        use.flags(second);
        awaitSize(archives, 2);
        Thread.sleep(300);
        assertThat(use.flags(second)).as("the archive written while the jars changed").isEmpty();

        HandlerPathStamp third = handlerPath.get();
        use.flags(third);
        awaitSize(archives, 3);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (use.flags(third).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(use.flags(third)).as("once the jars stayed as they are").anyMatch(flag -> flag.endsWith(archives.get(2).toString()));
        use.close();
    }

    /**
     * An archive use whose handler path is {@code handlerPath}, one of the versions first, second and
     * third, each a jar of its own; the archive is named by the classpath as it is, as a supervisor's.
     */
    private ArchiveUse versionedUse(AtomicReference<HandlerPathStamp> handlerPath) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        for (String version : List.of("first", "second", "third")) {
            Files.createFile(folder.resolve(version + ".jar"));
        }
        return new ArchiveUse(() -> ChildArchive.forChildren(java,
                List.of(folder.resolve(handlerPath.get().entries().get(0) + ".jar").toString()), folder.resolve("cache")),
                new ArchiveWriter(null, folder), handlerPath::get);
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(list).hasSize(size);
    }

    private static Path draftIn(List<String> flags) {
        return flags.stream()
                .filter(flag -> flag.startsWith("-XX:AOTCacheOutput=") || flag.startsWith("-XX:ArchiveClassesAtExit="))
                .map(flag -> Path.of(flag.substring(flag.indexOf('=') + 1)))
                .findFirst().orElseThrow();
    }
}
