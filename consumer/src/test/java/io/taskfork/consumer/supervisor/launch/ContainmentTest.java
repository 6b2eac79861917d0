package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.shared.config.ChildContainment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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

    private final ContainedCommands commands = new ContainedCommands();

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
        commands.killAll();
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("containments")
    void theCommandsExitCodeAndSignalDeathReadAsWithoutIt(String name, Containment containment) throws Exception {
        assertThat(commands.run(containment, "exit 7", "").exitValue()).isEqualTo(7);
        // As a JVM's crash ends: SIGABRT. The namespace's first process would ignore it.
        assertThat(commands.run(containment, "kill -ABRT $$", "").exitValue()).isEqualTo(134);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("containments")
    void descriptorThreeIsTheStdoutPipeAndStdoutJoinsTheLog(String name, Containment containment) throws Exception {
        Process process = commands.run(containment,
                "read line; echo \"event $line\" >&3; echo printed; echo warned >&2", "hello\n");
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
        Process process = commands.run(containment,
                "read -r stat < /proc/$$/stat; set -- $stat; [ \"$6\" = \"$$\" ]", "");
        assertThat(process.exitValue()).as("the command is its session's leader").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("treeKeepers")
    void aDaemonOfTheCommandDiesWithIt(String name, Containment containment) throws Exception {
        String marker = HostProcesses.uniqueSleep();
        // setsid, not leading a process group, runs sleep in its own process: wait until it is sleep
        Process process = commands.run(containment, "setsid sleep " + marker + " & until grep -q " + marker
                + " /proc/$!/cmdline 2>/dev/null; do sleep 0.01; done", "");
        assertThat(process.exitValue()).isZero();
        assertThat(ContainedCommands.awaitGone(marker)).as("the daemon that called setsid is gone").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaces")
    void aSigkillOfTheStartedProcessEndsTheWholeNamespace(String name, Containment containment) throws Exception {
        String marker = HostProcesses.uniqueSleep();
        Process process = commands.start(containment, "setsid sleep " + marker + " & exec sleep " + marker);
        ContainedCommands.awaitRunning(marker, 2);
        assertThat(ContainedCommands.processes(marker)).as("the command and its daemon run").isEqualTo(2);

        // A SIGTERM of the process the supervisor started waits: only the JVM can report one.
        process.destroy();
        assertThat(process.waitFor(300, TimeUnit.MILLISECONDS)).as("still running after a SIGTERM").isFalse();
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(137);
        assertThat(ContainedCommands.awaitGone(marker)).as("everything in the namespace is gone").isTrue();
    }
}
