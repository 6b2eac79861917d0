package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive's name follows the jars it holds: a jar that is another file gets another name. What a
 * writer killed midway left is cleared away.
 */
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

    @Test
    void aDraftLeftByAWriterThatDiedIsDeletedWhenTheNextArchiveIsKeptAndOneBeingWrittenStays() throws Exception {
        ChildArchive other = archiveOf(Files.writeString(folder.resolve("other.jar"), "other")).orElseThrow();
        ChildArchive archive = archiveOf(Files.writeString(folder.resolve("handlers.jar"), "handlers")).orElseThrow();
        Path cache = archive.file().getParent();
        Files.createDirectories(cache);
        Instant old = Instant.now().minus(ChildArchive.DRAFT_LEFT_AFTER).minusSeconds(60);
        // as a killed writer of another classpath leaves them: its draft, and JDK 25's recorded configuration
        Path left = aged(cache.resolve(other.file().getFileName() + ".4242.draft"), old);
        Path leftConfig = aged(cache.resolve(other.file().getFileName() + ".4242.draft.config"), old);
        Path beingWritten = aged(cache.resolve(other.file().getFileName() + ".4343.draft"), Instant.now());
        Path notOurs = aged(cache.resolve("notes.draft"), old);

        Path draft = archive.draft();
        Files.writeString(draft, "an archive");
        assertThat(archive.adopt(draft, written -> true)).isTrue();

        assertThat(left).doesNotExist();
        assertThat(leftConfig).doesNotExist();
        assertThat(beingWritten).exists();
        assertThat(notOurs).exists();
        assertThat(draft).doesNotExist();
        assertThat(archive.file()).hasContent("an archive");
    }

    /** Two writers at once, of two supervisors: each has a draft of its own, and the last kept names the archive. */
    @Test
    void twoWritersAtOnceEachHaveADraftOfTheirOwnAndLeaveOneArchive() throws Exception {
        ChildArchive archive = archiveOf(Files.writeString(folder.resolve("handlers.jar"), "handlers")).orElseThrow();
        Path first = archive.draft();
        Path second = archive.draft();
        assertThat(second).isNotEqualTo(first);
        Files.writeString(first, "the first writer's");
        Files.writeString(second, "the second writer's");

        assertThat(archive.adopt(first, written -> true)).isTrue();
        assertThat(archive.adopt(second, written -> true)).isTrue();

        try (Stream<Path> files = Files.list(archive.file().getParent())) {
            assertThat(files).containsExactly(archive.file());
        }
        assertThat(archive.file()).hasContent("the second writer's");
    }

    /** README, "What a JDK 25 child costs beyond its floor": training profiles off, on JDK 25 alone. */
    @Test
    void onJdk25AloneTheCacheIsWrittenWithoutProfilesAndMappedWithoutReplayingThem() throws Exception {
        Path jar = Files.writeString(folder.resolve("handlers.jar"), "handlers");
        for (int feature : new int[] {17, 24, 25, 26}) {
            ChildArchive archive = ChildArchive.forChildren(fakeJava(feature), List.of(jar.toString()),
                    folder.resolve("cache-" + feature)).orElseThrow();
            Files.createDirectories(archive.file().getParent());
            Files.writeString(archive.file(), "an archive");
            Path draft = archive.file().resolveSibling("draft");
            List<String> all = new ArrayList<>(archive.useFlags());
            all.addAll(archive.strictFlags(archive.file()));
            all.addAll(archive.writeFlags(draft));

            if (feature == 25) {
                assertThat(archive.useFlags()).endsWith("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining");
                assertThat(archive.strictFlags(archive.file()))
                        .endsWith("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining");
                assertThat(archive.writeFlags(draft)).contains("-XX:AOTCacheOutput=" + draft)
                        .endsWith("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining");
            } else {
                assertThat(all).as("JDK " + feature).noneMatch(flag -> flag.contains("Training") || flag.contains("Diagnostic"));
            }
            assertThat(archive.writeFlags(draft).get(0)).as("JDK " + feature)
                    .isEqualTo(feature >= 25 ? "-XX:AOTCacheOutput=" + draft : "-XX:ArchiveClassesAtExit=" + draft);
        }
    }

    /** A JDK home that says it is of {@code feature}: its java, and its release file. */
    private Path fakeJava(int feature) throws Exception {
        Path home = Files.createDirectories(folder.resolve("jdk-" + feature));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + feature + ".0.1\"\n");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        return java;
    }

    private static Path aged(Path file, Instant modified) throws Exception {
        Files.writeString(file, "a draft");
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private Optional<ChildArchive> archiveOf(Path jar) {
        return ChildArchive.forChildren(JAVA, List.of(jar.toString()), folder.resolve("cache"));
    }
}
