package io.taskfork.consumer.supervisor.launch;

import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.shared.config.ChildContainment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A task's resident memory read from its namespace's own /proc must be what the host's whole
 * process table gives for its tree: the memory watch takes one for the other while a task is well
 * under its cap.
 */
class NamespaceMemoryTest {

    private static final long PAGE = 4096;
    private final List<Process> started = new ArrayList<>();
    private final NamespaceMemory memory = new NamespaceMemory(PAGE);

    @AfterEach
    void kill() {
        started.forEach(ProcessTrees::kill);
    }

    @Test
    void aNamespacesProcessesHoldWhatTheirTreeInTheHostsTableHolds() throws Exception {
        assertThat(HostProcesses.namespacesUsable()).as("this host allows PID namespaces").isTrue();
        List<Containment> namespaces = new ArrayList<>();
        Containment.childInit().ifPresent(init -> namespaces.add(Containment.detect(ChildContainment.AUTO, Optional.of(init))));
        namespaces.add(Containment.detect(ChildContainment.AUTO, Optional.empty()));
        for (Containment containment : namespaces) {
            assertThat(containment.namespace()).as(containment.description()).isTrue();
            // three processes in the namespace: its first, the shell, and the shell's child
            Process process = start(containment, "sleep 30 & wait");
            long pid = process.pid();
            awaitTrue(() -> tree(pid).size() == 4, "the namespace's processes run");

            long fromNamespace = -2;
            long fromTable = -3;
            // A process's resident memory moves while it starts: take both until they agree.
            for (int attempt = 0; attempt < 50 && fromNamespace != fromTable; attempt++) {
                fromTable = tree(pid).stream().mapToLong(ProcessTable.Entry::residentBytes).sum();
                fromNamespace = memory.residentBytes(pid);
                Thread.sleep(20);
            }
            assertThat(fromNamespace).as(containment.description()).isPositive().isEqualTo(fromTable);
        }
    }

    @Test
    void withoutANamespaceThereIsNoAnswerAndAProcessThatEndedHoldsNothing() throws Exception {
        for (Optional<java.nio.file.Path> init : List.of(Containment.childInit(), Optional.<java.nio.file.Path>empty())) {
            Process process = start(Containment.detect(ChildContainment.SESSION, init), "sleep 30 & wait");
            awaitTrue(() -> process.children().findAny().isPresent(), "the shell's child runs");
            assertThat(memory.residentBytes(process.pid())).as("a session has no /proc of its own").isEqualTo(-1);
        }
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        assertThat(memory.residentBytes(ended.pid())).as("no need to read the host's whole table").isZero();
    }

    private Process start(Containment containment, String script) throws Exception {
        Process process = new ProcessBuilder(containment.wrap(List.of("/bin/sh", "-c", script))).start();
        started.add(process);
        return process;
    }

    private static List<ProcessTable.Entry> tree(long pid) {
        return ProcessTable.read(PAGE).tree(pid, false);
    }
}
