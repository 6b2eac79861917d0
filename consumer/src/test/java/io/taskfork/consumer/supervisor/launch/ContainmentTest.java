package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.shared.config.ChildContainment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each way of containing a child, with and without taskfork-child-init, around real commands: the
 * supervisor's view of a child (its exit status, its pipes, its stdin) must not depend on which one
 * the host allows, and in a namespace or under taskfork-child-init nothing the command starts may
 * outlive it.
 */
class ContainmentTest {

    private final List<Process> started = new ArrayList<>();

    static Stream<Arguments> containments() {
        Optional<Path> init = Containment.childInit();
        assertThat(init).as("taskfork-child-init, which the build compiles where it finds /usr/bin/cc")
                .matches(found -> found.isPresent() || !Files.isExecutable(Path.of("/usr/bin/cc")));
        List<Arguments> all = new ArrayList<>();
        init.ifPresent(path -> {
            all.add(Arguments.of("child-init, auto", Containment.detect(ChildContainment.AUTO, init)));
            all.add(Arguments.of("child-init, session", Containment.detect(ChildContainment.SESSION, init)));
        });
        all.add(Arguments.of("shell, auto", Containment.detect(ChildContainment.AUTO, Optional.empty())));
        all.add(Arguments.of("shell, session", Containment.detect(ChildContainment.SESSION, Optional.empty())));
        return all.stream();
    }

    static Stream<Arguments> namespaces() {
        return containments().filter(arguments -> ((Containment) arguments.get()[1]).namespace());
    }

    /** Those that end what a child leaves behind without the supervisor: a namespace, or taskfork-child-init. */
    static Stream<Arguments> treeKeepers() {
        return containments().filter(arguments -> ((Containment) arguments.get()[1]).keepsTree());
    }

    @AfterEach
    void killLeftovers() {
        started.forEach(ProcessTrees::kill);
    }

    @Test
    void autoTakesANamespaceWhereverTheHostAllowsOne() {
        containments().forEach(arguments -> {
            Containment containment = (Containment) arguments.get()[1];
            boolean auto = arguments.get()[0].toString().endsWith("auto");
            assertThat(containment.namespace()).as("%s: %s", arguments.get()[0], containment.description())
                    .isEqualTo(auto && HostProcesses.namespacesUsable());
            assertThat(containment.ownSession()).as("the JVM leads a session of its own").isTrue();
        });
    }

    @Test
    void aChildInitThatCannotRunHereIsLeftOut(@TempDir Path folder) throws Exception {
        Path broken = folder.resolve(Containment.CHILD_INIT);
        Files.writeString(broken, "not a program for this machine");
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwxr-xr-x"));

        for (ChildContainment choice : ChildContainment.values()) {
            Containment containment = Containment.detect(choice, Optional.of(broken));
            assertThat(containment.wrap(List.of("true"))).as("%s", choice).doesNotContain(broken.toString());
            assertThat(run(containment, "echo ran >&3", "").exitValue()).isZero();
        }
    }

    /**
     * A host that refuses {@code PR_SET_CHILD_SUBREAPER} fails only the session mode: taskfork-child-init
     * still makes the namespace there, and a session is then started without it. The refusal is played
     * by a copy that answers the session mode as taskfork-child-init does when the kernel says no.
     */
    @Test
    void aHostThatRefusesTheSubreaperStillGetsTheNamespaceFromChildInit(@TempDir Path folder) throws Exception {
        Optional<Path> init = Containment.childInit();
        if (init.isEmpty()) {
            assertThat(Files.isExecutable(Path.of("/usr/bin/cc")))
                    .as("a C compiler, with which the build makes taskfork-child-init").isFalse();
            return;
        }
        Path refusing = folder.resolve(Containment.CHILD_INIT);
        Files.writeString(refusing, "#!/bin/sh\nif [ \"$1\" = session ]; then\n"
                + "  echo 'taskfork-child-init: cannot become the subreaper of the command:"
                + " Operation not permitted' >&2\n"
                + "  exit 125\nfi\nexec '" + init.get() + "' \"$@\"\n");
        Files.setPosixFilePermissions(refusing, PosixFilePermissions.fromString("rwxr-xr-x"));

        Containment auto = Containment.detect(ChildContainment.AUTO, Optional.of(refusing));
        assertThat(auto.namespace()).as(auto.description()).isEqualTo(HostProcesses.namespacesUsable());
        if (auto.namespace()) {
            assertThat(auto.wrap(List.of("true")).get(0)).as(auto.description()).isEqualTo(refusing.toString());
        }
        Containment session = Containment.detect(ChildContainment.SESSION, Optional.of(refusing));
        assertThat(session.wrap(List.of("true"))).doesNotContain(refusing.toString());
        assertThat(session.subreaper()).isFalse();
        assertThat(run(session, "echo ran >&3", "").exitValue()).isZero();
    }

    /**
     * A supervisor that is not root gets the user-namespace mode. The tests run as root, so this one
     * runs taskfork-child-init as nobody, through setpriv, where the host allows user namespaces.
     */
    @Test
    void withoutRootTheNamespaceIsMadeInAUserNamespace() throws Exception {
        Optional<Path> init = Containment.childInit();
        if (init.isEmpty() || !HostProcesses.namespacesUsable()) {
            return;
        }
        List<String> nobody = List.of("setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups");
        List<String> command = new ArrayList<>(nobody);
        command.addAll(List.of(init.get().toString(), "namespace", "--", "true"));
        Process refused = new ProcessBuilder(command).start();
        assertThat(refused.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).as("no PID namespace for nobody without a user namespace").isEqualTo(125);
        assertThat(new String(refused.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .startsWith("taskfork-child-init: cannot make a PID namespace: ");

        String marker = HostProcesses.uniqueSleep();
        command = new ArrayList<>(nobody);
        command.addAll(List.of(init.get().toString(), "user-namespace", "--", "/bin/sh", "-c",
                "setsid sleep " + marker + " & echo \"$$ $(id -u)\" >&3; sleep 0.2"));
        Process process = new ProcessBuilder(command).start();
        started.add(process);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .as("PID 2, root of its own user namespace").isEqualTo("2 0\n");
        assertThat(awaitGone(marker)).as("the daemon that called setsid is gone").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("containments")
    void theCommandsExitCodeAndSignalDeathReadAsWithoutIt(String name, Containment containment) throws Exception {
        assertThat(run(containment, "exit 7", "").exitValue()).isEqualTo(7);
        // As a JVM's crash ends: SIGABRT. The namespace's first process would ignore it.
        assertThat(run(containment, "kill -ABRT $$", "").exitValue()).isEqualTo(134);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("containments")
    void descriptorThreeIsTheStdoutPipeAndStdoutJoinsTheLog(String name, Containment containment) throws Exception {
        Process process = run(containment, "read line; echo \"event $line\" >&3; echo printed; echo warned >&2",
                "hello\n");
        assertThat(process.exitValue()).isZero();
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("event hello\n");
        assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("printed\nwarned\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("containments")
    void theCommandLeadsASessionOfItsOwn(String name, Containment containment) throws Exception {
        // Field 6 of /proc/PID/stat is the session; the command's name, "sh", holds no space.
        Process process = run(containment, "read -r stat < /proc/$$/stat; set -- $stat; [ \"$6\" = \"$$\" ]", "");
        assertThat(process.exitValue()).as("the command is its session's leader").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("treeKeepers")
    void aDaemonOfTheCommandDiesWithIt(String name, Containment containment) throws Exception {
        String marker = HostProcesses.uniqueSleep();
        // setsid, not leading a process group, runs sleep in its own process: wait until it is sleep
        Process process = run(containment, "setsid sleep " + marker + " & until grep -q " + marker
                + " /proc/$!/cmdline 2>/dev/null; do sleep 0.01; done", "");
        assertThat(process.exitValue()).isZero();
        assertThat(awaitGone(marker)).as("the daemon that called setsid is gone").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaces")
    void aSigkillOfTheStartedProcessEndsTheWholeNamespace(String name, Containment containment) throws Exception {
        String marker = HostProcesses.uniqueSleep();
        Process process = start(containment, "setsid sleep " + marker + " & exec sleep " + marker);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (processes(marker) < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(processes(marker)).as("the command and its daemon run").isEqualTo(2);

        // A SIGTERM of the process the supervisor started waits: only the JVM can report one.
        process.destroy();
        assertThat(process.waitFor(300, TimeUnit.MILLISECONDS)).as("still running after a SIGTERM").isFalse();
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(137);
        assertThat(awaitGone(marker)).as("everything in the namespace is gone").isTrue();
    }

    @Test
    void withoutANamespaceChildInitKeepsTheTreeAndASigkillOfItEndsTheCommand() throws Exception {
        Optional<Path> init = Containment.childInit();
        if (init.isEmpty()) {
            return;
        }
        Containment containment = Containment.detect(ChildContainment.SESSION, init);
        assertThat(containment.keepsTree()).as(containment.description()).isTrue();
        assertThat(containment.namespace()).isFalse();
        String marker = HostProcesses.uniqueSleep();
        Process process = start(containment, "exec sleep " + marker);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (processes(marker) < 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(process.children().toList()).as("the command runs as taskfork-child-init's child").hasSize(1);

        // As in a namespace, a SIGTERM of the process the supervisor started waits: only the JVM can report one.
        process.destroy();
        assertThat(process.waitFor(300, TimeUnit.MILLISECONDS)).as("still running after a SIGTERM").isFalse();
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(awaitGone(marker)).as("the command dies with taskfork-child-init").isTrue();
    }

    private Process run(Containment containment, String script, String input) throws Exception {
        Process process = start(containment, script);
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("%s ends", script).isTrue();
        return process;
    }

    private Process start(Containment containment, String script) throws IOException {
        Process process = new ProcessBuilder(containment.wrap(List.of("/bin/sh", "-c", script))).start();
        started.add(process);
        return process;
    }

    private static boolean awaitGone(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (processes(marker) > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Live processes of the host whose command line holds the marker. */
    private static long processes(String marker) {
        return HostProcesses.withArgument(marker).size();
    }
}
