package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's folder goes whatever its task left in it, and only that; a folder is made when it is
 * missing, and a fresh one replaces whatever held its path.
 */
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

    @Test
    void makeFreshLeavesAnEmptyFolderWhereverWasThereBefore() throws Exception {
        Path free = root.resolve("free");
        Path full = Files.createDirectories(root.resolve("full/a"));
        Files.writeString(full.resolve("old"), "x");
        Path file = Files.writeString(root.resolve("file"), "y");
        Path orphan = root.resolve("gone/parent/task");

        for (Path folder : new Path[] {free, root.resolve("full"), file, orphan}) {
            Folders.makeFresh(folder);
            assertThat(folder).isEmptyDirectory();
        }
    }

    @Test
    void moveFreshPutsAFolderInThePlaceOfWhateverWasThere() throws Exception {
        Path full = Files.createDirectories(root.resolve("full/a"));
        Files.writeString(full.resolve("old"), "x");
        Path file = Files.writeString(root.resolve("file"), "y");
        Path empty = Files.createDirectory(root.resolve("empty"));

        for (Path target : new Path[] {root.resolve("free"), root.resolve("full"), file, empty,
                root.resolve("gone/parent/task")}) {
            Path waiting = Files.createDirectory(root.resolve("waiting"));
            Files.writeString(waiting.resolve("mine"), "m");
            Folders.moveFresh(waiting, target);
            assertThat(waiting).doesNotExist();
            assertThat(target.toFile().list()).as("what %s holds", target).containsExactly("mine");
        }
    }

    @Test
    void aLinkInTheWayIsReplacedAndWhatItPointsAtKept() throws Exception {
        Path elsewhere = Files.createDirectory(root.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("kept"), "z");
        Path made = Files.createSymbolicLink(root.resolve("made"), elsewhere);
        Path moved = Files.createSymbolicLink(root.resolve("moved"), elsewhere);
        Path dangling = Files.createSymbolicLink(root.resolve("dangling"), root.resolve("nothing"));
        Path waiting = Files.createDirectory(root.resolve("waiting"));

        Folders.makeFresh(made);
        Folders.moveFresh(waiting, moved);
        Folders.makeFresh(dangling);

        for (Path path : new Path[] {made, moved, dangling}) {
            assertThat(Files.isSymbolicLink(path)).as("%s is a link", path).isFalse();
            assertThat(path).isEmptyDirectory();
        }
        assertThat(elsewhere.resolve("kept")).hasContent("z");
    }

    @Test
    void moveFreshOfAFolderThatIsGoneFailsAndTouchesNothing() throws Exception {
        Path target = Files.createDirectory(root.resolve("target"));
        Files.writeString(target.resolve("kept"), "k");

        assertThatThrownBy(() -> Folders.moveFresh(root.resolve("missing"), target))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(target.resolve("kept")).hasContent("k");
    }
}
