package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
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
        // longer than two renewals would take, each waiting for the path to settle
        for (int i = 0; i < 25; i++) {
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
    void anArchiveWrittenWhileTheJarsChangedAgainIsDeletedAndNotMapped() throws Exception {
        AtomicReference<HandlerPathStamp> handlerPath = new AtomicReference<>(new HandlerPathStamp(List.of("first")));
        ArchiveFileWriter writer = new ArchiveFileWriter(folder);
        ArchiveUse use = startedUse(handlerPath, writer);
        assertThat(use.flags(handlerPath.get())).as("at the start")
                .anyMatch(flag -> flag.endsWith(writer.written.get(0).toString()));

        // while the second version's archive is written, the jars change again
        writer.during = () -> handlerPath.set(new HandlerPathStamp(List.of("third")));
        HandlerPathStamp second = new HandlerPathStamp(List.of("second"));
        handlerPath.set(second);
        use.flags(second);
        awaitSize(writer.written, 2);
        awaitTrue(() -> !Files.exists(writer.written.get(1)));
        assertThat(use.flags(second)).as("the archive written while the jars changed").isEmpty();

        writer.during = () -> { };
        HandlerPathStamp third = handlerPath.get();
        use.flags(third);
        awaitSize(writer.written, 3);
        awaitTrue(() -> !use.flags(third).isEmpty());
        assertThat(use.flags(third)).as("once the jars stayed as they are")
                .anyMatch(flag -> flag.endsWith(writer.written.get(2).toString()));
        use.close();
    }

    @Test
    void jarsThatChangeAgainWithinASecondHaveOneArchiveWrittenForHowTheyEnd() throws Exception {
        AtomicReference<HandlerPathStamp> handlerPath = new AtomicReference<>(new HandlerPathStamp(List.of("first")));
        ArchiveFileWriter writer = new ArchiveFileWriter(folder);
        ArchiveUse use = startedUse(handlerPath, writer);

        HandlerPathStamp second = new HandlerPathStamp(List.of("second"));
        handlerPath.set(second);
        use.flags(second);
        Thread.sleep(300);
        handlerPath.set(new HandlerPathStamp(List.of("third")));
        awaitSize(writer.written, 2);
        Thread.sleep(2 * ArchiveUse.SETTLED_AFTER.toMillis());

        assertThat(writer.written).as("the start's archive, then one").hasSize(2);
        assertThat(writer.written.get(1)).isEqualTo(archiveOf("third").file());
        use.close();
    }

    /**
     * An archive use whose handler path is {@code handlerPath}, one of the versions first, second and
     * third, each a jar of its own; the archive is named by the classpath as it is, as a supervisor's.
     */
    private ArchiveUse versionedUse(AtomicReference<HandlerPathStamp> handlerPath) throws IOException {
        return versionedUse(handlerPath, new ArchiveWriter(null, folder));
    }

    private ArchiveUse versionedUse(AtomicReference<HandlerPathStamp> handlerPath, ArchiveWriter writer)
            throws IOException {
        for (String version : List.of("first", "second", "third")) {
            Files.createFile(folder.resolve(version + ".jar"));
        }
        return new ArchiveUse(() -> Optional.of(archiveOf(handlerPath.get().entries().get(0))), writer,
                handlerPath::get);
    }

    /** A versioned use with {@code writer} standing in for the JVMs, past its start: its archive written. */
    private ArchiveUse startedUse(AtomicReference<HandlerPathStamp> handlerPath, ArchiveFileWriter writer)
            throws IOException, InterruptedException {
        ArchiveUse use = versionedUse(handlerPath, writer);
        use.writeIfMissing(List.of("com.example.Handler"), "-Dtaskfork.child.rehearse=true", NO_CHILD);
        return use;
    }

    private ChildArchive archiveOf(String version) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return ChildArchive.forChildren(java, List.of(folder.resolve(version + ".jar").toString()),
                folder.resolve("cache")).orElseThrow();
    }

    private static final ArchiveWriter.Child NO_CHILD = (flags, request) -> {
        throw new AssertionError("no child: the writer stands in for it");
    };

    /**
     * Stands in for the writer child and the JVM that tries its archive, which these tests of the
     * decisions around them do not need: it writes the archive's file itself, runs {@link #during},
     * and has written one; the real ones run in HandlerJarChangeIT and ChildStartIT.
     */
    private static final class ArchiveFileWriter extends ArchiveWriter {

        final List<Path> written = new CopyOnWriteArrayList<>();
        volatile Runnable during = () -> { };

        ArchiveFileWriter(Path folder) {
            super(null, folder);
        }

        @Override
        void discardIfUnusable(ChildArchive archive) {
        }

        @Override
        boolean write(ChildArchive archive, Inputs inputs, BooleanSupplier stopping) {
            try {
                Files.createDirectories(archive.file().getParent());
                Files.writeString(archive.file(), "an archive");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            written.add(archive.file());
            during.run();
            return true;
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).isTrue();
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
