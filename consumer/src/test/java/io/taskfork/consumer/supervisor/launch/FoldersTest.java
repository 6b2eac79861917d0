package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's folder goes whatever its task left in it, and only that; a folder is made when it is missing. */
class FoldersTest {

    @TempDir
    Path root;

    @Test
    void anEmptyFolderAFullOneAndAMissingOneAllEndGone() throws Exception {
        Path empty = Files.createDirectory(root.resolve("empty"));
        Path full = Files.createDirectories(root.resolve("full/a/b"));
        Files.writeString(full.resolve("file"), "x");
        Files.writeString(root.resolve("full/top"), "y");

        Folders.deleteTree(empty);
        Folders.deleteTree(root.resolve("full"));
        Folders.deleteTree(root.resolve("missing"));

        assertThat(root).isEmptyDirectory();
    }

    @Test
    void aLinkIsRemovedNotWhatItPointsAt() throws Exception {
        Path elsewhere = Files.createDirectory(root.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("kept"), "z");
        Path link = Files.createSymbolicLink(root.resolve("link"), elsewhere);

        Folders.deleteTree(link);

        assertThat(link).doesNotExist();
        assertThat(elsewhere.resolve("kept")).hasContent("z");
    }

    @Test
    void ensureMakesAMissingFolderWithItsParentsAndLeavesAnExistingOneAsItIs() throws Exception {
        Path missing = root.resolve("a/b/c");
        Folders.ensure(missing);
        assertThat(missing).isDirectory();

        Files.writeString(missing.resolve("kept"), "k");
        Folders.ensure(missing);
        assertThat(missing.resolve("kept")).hasContent("k");
    }
}
