package io.taskfork.consumer.supervisor.launch;

import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.config.ChildContainment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The host's processes as the memory watch reads them: from a floor up, a child's whole tree and nothing older. */
class ProcessTableTest {

    private static final long PAGE = 4096;
    private Process process;

    @AfterEach
    void kill() {
        if (process != null) {
            ProcessTrees.kill(process);
        }
    }

    @Test
    void aTableFromAFloorUpHoldsEveryProcessAChildStartedAndNoOlderOne() throws Exception {
        process = new ProcessBuilder(Containment.detect(ChildContainment.SESSION, Containment.childInit())
                .wrap(List.of("/bin/sh", "-c", "sleep 30 & sleep 30 & wait"))).start();
        long pid = process.pid();
        awaitTrue(() -> ProcessTable.read(PAGE, 0).tree(pid, false).size() >= 3, "the shell's children run");

        ProcessTable fromChild = ProcessTable.read(PAGE, pid);
        List<Long> whole = ProcessTable.read(PAGE, 0).tree(pid, true).stream().map(ProcessTable.Entry::pid).toList();

        assertThat(fromChild.tree(pid, true)).extracting(ProcessTable.Entry::pid)
                .containsExactlyInAnyOrderElementsOf(whole);
        assertThat(fromChild.tree(ProcessHandle.current().pid(), false)).as("this JVM is older than its child")
                .isEmpty();
        assertThat(fromChild.tree(1, false)).isEmpty();
    }
}
