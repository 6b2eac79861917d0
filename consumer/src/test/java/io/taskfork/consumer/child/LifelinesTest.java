package io.taskfork.consumer.child;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "How a task runs": a child's last look for processes its task started, at every thread's
 * list of children, in a folder laid out as {@code /proc/PID/task}. A thread that ends during the
 * look (the orphan watch can end as the supervisor closes stdin) makes it look again, not answer
 * yes, which would walk every process of the host.
 */
class LifelinesTest {

    @TempDir
    Path threads;

    @Test
    void threadsWithEmptyListsHaveNoChildren() throws IOException {
        thread("101", "");
        thread("102", "");

        assertThat(Lifelines.lookForChildren(threads.toFile())).contains(false);
        assertThat(Lifelines.hasChildren(threads.toFile())).isFalse();
    }

    @Test
    void aThreadThatListsAProcessHasChildren() throws IOException {
        thread("101", "");
        thread("102", "4711 ");

        assertThat(Lifelines.hasChildren(threads.toFile())).isTrue();
    }

    @Test
    void aThreadWithoutAListMeansAKernelThatKeepsNoneSoTheAnswerIsYes() throws IOException {
        thread("101", "");
        Files.createDirectory(threads.resolve("102"));

        assertThat(Lifelines.lookForChildren(threads.toFile())).contains(true);
    }

    @Test
    void aThreadThatEndedDuringTheLookMakesItLookAgainAndOneThatKeepsEndingMeansYes() throws IOException {
        thread("101", "");
        // listed, but its folder is gone: what a look meets when a thread ends between the listing and its list
        Files.createSymbolicLink(threads.resolve("102"), threads.resolve("ended"));

        assertThat(Lifelines.lookForChildren(threads.toFile())).as("one look").isEqualTo(Optional.empty());
        assertThat(Lifelines.hasChildren(threads.toFile())).as("every look meets one that ended").isTrue();
    }

    private void thread(String id, String children) throws IOException {
        Path folder = Files.createDirectory(threads.resolve(id));
        Files.writeString(folder.resolve("children"), children);
    }
}
