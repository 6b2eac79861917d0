package io.taskfork.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFormatSettingTest {

    @Test
    void logLinesAreTextByDefault() {
        assertThat(Settings.load(Map.of(), Map.of()).service().logFormat()).isEqualTo(LogFormat.TEXT);
    }

    @Test
    void jsonComesFromTheVariableAndTheFlagWins() {
        Map<String, String> environment = Map.of("TASKFORK_LOG_FORMAT", "JSON");

        assertThat(Settings.load(environment, Map.of()).service().logFormat()).isEqualTo(LogFormat.JSON);
        assertThat(Settings.load(environment, Map.of(Setting.LOG_FORMAT, "text")).service().logFormat())
                .isEqualTo(LogFormat.TEXT);
    }

    @Test
    void anyOtherFormatIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_LOG_FORMAT", "xml"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid TASKFORK_LOG_FORMAT \"xml\": expected text or json");
    }
}
