package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.taskfork.consumer.testing.HostProcesses;
import io.taskfork.shared.config.ChildContainment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * taskfork-child-init where the host takes some of it away, or the supervisor is not root: what
 * it cannot do is left out, or done in another way, and what it does still holds.
 */
class ChildInitTest {

    private final ContainedCommands commands = new ContainedCommands();

    @AfterEach
    void killLeftovers() {
        commands.killAll();
    }

    @Test
    void aChildInitThatCannotRunHereIsLeftOut(@TempDir Path folder) throws Exception {
        Path broken = folder.resolve(Containment.CHILD_INIT);
        Files.writeString(broken, "not a program for this machine");
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwxr-xr-x"));

        for (ChildContainment choice : ChildContainment.values()) {
            Containment containment = Containment.detect(choice, Optional.of(broken));
            assertThat(containment.wrap(List.of("true"))).as("%s", choice).doesNotContain(broken.toString());
            assertThat(commands.run(containment, "echo ran >&3", "").exitValue()).isZero();
        }
    }

    @Test
    void aCopyWithoutItsExecuteBitIsLeftOutWithAWarning(@TempDir Path folder) throws Exception {
        Path copied = folder.resolve(Containment.CHILD_INIT);
        Files.writeString(copied, "a copy that lost its mode");
        Files.setPosixFilePermissions(copied, PosixFilePermissions.fromString("rw-r--r--"));
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        Logger logger = (Logger) LoggerFactory.getLogger(Containment.class);
        logger.addAppender(warnings);
        try {
            assertThat(Containment.runnable(copied)).isEmpty();
            assertThat(Containment.runnable(folder.resolve("missing"))).isEmpty();
        } finally {
            logger.detachAppender(warnings);
        }

        assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly(copied + " is not executable (chmod +x it): children are contained without it");
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
        assertThat(commands.run(session, "echo ran >&3", "").exitValue()).isZero();
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
        commands.started(process);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .as("PID 2, root of its own user namespace").isEqualTo("2 0\n");
        assertThat(ContainedCommands.awaitGone(marker)).as("the daemon that called setsid is gone").isTrue();
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
        Process process = commands.start(containment, "exec sleep " + marker);
        ContainedCommands.awaitRunning(marker, 1);
        assertThat(process.children().toList()).as("the command runs as taskfork-child-init's child").hasSize(1);

        // As in a namespace, a SIGTERM of the process the supervisor started waits: only the JVM can report one.
        process.destroy();
        assertThat(process.waitFor(300, TimeUnit.MILLISECONDS)).as("still running after a SIGTERM").isFalse();
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ContainedCommands.awaitGone(marker)).as("the command dies with taskfork-child-init").isTrue();
    }
}
