package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.child.Sessions;
import io.taskfork.shared.config.ChildContainment;
import io.taskfork.shared.config.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "What a task leaves running": whether a child leaves its last look for children to its
 * parent is the supervisor's to say, after the user's options, where none of them can say otherwise.
 */
class ChildCommandTest {

    private static final String ADOPTS = "-D" + Sessions.PARENT_ADOPTS + "=";

    @TempDir
    Path folder;

    @Test
    void theUsersOptionsCannotTellAChildThatItsParentEndsWhatIsLeft() {
        Settings settings = Settings.load(Map.of("TASKFORK_CHILD_JAVA_OPTIONS", ADOPTS + "true"), Map.of());
        // the session without taskfork-child-init: no parent that ends what a task leaves
        Containment containment = Containment.detect(ChildContainment.SESSION, Optional.empty());
        assertThat(containment.keepsTree()).isFalse();

        List<String> command = new ChildCommand(settings.child(), containment, 0)
                .build(JvmMarkers.of(folder, "c1"), List.of());

        List<String> said = command.stream().filter(argument -> argument.startsWith(ADOPTS)).toList();
        assertThat(said).containsExactly(ADOPTS + "true", ADOPTS + "false");
        // the JVM takes the last of a property given twice
        assertThat(command.lastIndexOf(ADOPTS + "false")).isGreaterThan(command.indexOf(ADOPTS + "true"));
    }
}
