package io.taskfork.consumer.child;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "How a task runs": a child's last look for processes its task started, at every thread's
 * list of children, in a folder laid out as {@code /proc/PID/task}. A thread that starts or ends
 * during the look (a handler's, or the JIT's) makes it look again, not answer yes, which would walk
 * every process of the host.
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

    @Test
    void aThreadThatEndedDuringOneLookIsLookedPastInTheNext() throws IOException {
        thread("101", "");
        Files.createSymbolicLink(threads.resolve("102"), threads.resolve("ended"));
        // the first listing still names the thread that ended; the next ones no longer do
        File once = listingInTurn(new String[] {"101", "102"}, new String[] {"101"});

        assertThat(Lifelines.hasChildren(once)).isFalse();
    }

    @Test
    void aThreadThatEndedAfterItsEmptyListWasReadMakesItLookAgain() throws IOException {
        thread("101", "");
        thread("102", "");
        // both lists read empty, but 102 is gone by the end of the look: its children went to a sibling
        File gone = listingInTurn(new String[] {"101", "102"}, new String[] {"101"});

        assertThat(Lifelines.lookForChildren(gone)).isEqualTo(Optional.empty());
    }

    @Test
    void aThreadThatStartedDuringTheLookMakesItLookAgain() throws IOException {
        thread("101", "");
        thread("102", "");
        // 102 started after the listing: it may have forked before its list could be read
        File started = listingInTurn(new String[] {"101"}, new String[] {"101", "102"});

        assertThat(Lifelines.lookForChildren(started)).isEqualTo(Optional.empty());
    }

    /** The threads folder, listed as {@code listings} say in turn, and as the last of them from then on. */
    private File listingInTurn(String[]... listings) {
        return new File(threads.toString()) {
            private int listed;

            @Override
            public String[] list() {
                return listings[Math.min(listed++, listings.length - 1)];
            }
        };
    }

    private void thread(String id, String children) throws IOException {
        Path folder = Files.createDirectory(threads.resolve(id));
        Files.writeString(folder.resolve("children"), children);
    }
}
