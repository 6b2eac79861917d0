package io.taskfork.producer.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.config.Settings;
import io.taskfork.shared.config.WorkSettings;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoTest {

    /**
     * A supervisor clears, at its start, the folders of its schema's ended tasks in its work folder:
     * the demo's, in a folder a real supervisor works in, would clear that one's running tasks' folders.
     */
    @Test
    void theDemosSupervisorWorksInItsOwnSchemasFolderNotOneSetForARealSupervisor() {
        Settings settings = Settings.load(Map.of("TASKFORK_WORK_DIR", "/srv/taskfork-work",
                "TASKFORK_DB_SCHEMA", "taskfork_demo"), Map.of());
        Demo demo = new Demo(settings, Path.of("consumer.jar"), new PrintStream(OutputStream.nullOutputStream()));

        assertThat(demo.consumerVariables(9464)).containsEntry("TASKFORK_WORK_DIR",
                WorkSettings.defaultRoot("taskfork_demo").toString());
    }
}
