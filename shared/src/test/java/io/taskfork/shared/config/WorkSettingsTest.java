package io.taskfork.shared.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkSettingsTest {

    @Test
    void theExecLineNamesASettingOfTaskforksOwnAsNotPassedOn() {
        Map<String, String> environment = Map.of("TASKFORK_EXEC_ALLOW", "env",
                "TASKFORK_EXEC_ENV_PASS", "PATH,TASKFORK_JDBC_PASSWORD");

        assertThat(Settings.load(environment, Map.of()).child().work().execSummary())
                .isEqualTo("env; no sandbox (TASKFORK_EXEC_SANDBOX=off); not passed on, as no child is given"
                        + " taskfork's own settings: TASKFORK_JDBC_PASSWORD");
    }

    @Test
    void theExecLineSaysWhatMayRunAndHow() {
        assertThat(settings(List.of(), new ExecSandbox(false, true)).execSummary())
                .isEqualTo("off (TASKFORK_EXEC_ALLOW names no command)");
        assertThat(settings(List.of("sh", "/usr/bin/git"), new ExecSandbox(false, true)).execSummary())
                .isEqualTo("sh, /usr/bin/git; no sandbox (TASKFORK_EXEC_SANDBOX=off)");
        assertThat(settings(List.of("sh"), new ExecSandbox(true, false)).execSummary())
                .isEqualTo("sh; under bwrap, without the host's network");
    }

    private static WorkSettings settings(List<String> allow, ExecSandbox sandbox) {
        return new WorkSettings(Path.of("/tmp/work"), false, allow, List.of(), List.of("PATH"), sandbox);
    }
}
