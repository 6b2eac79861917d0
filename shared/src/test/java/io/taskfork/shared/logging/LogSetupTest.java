package io.taskfork.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogSetupTest {

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    @BeforeEach
    void textAppenderOnTheRoot() {
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.start();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %logger{0}: %msg%n");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(written);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    @AfterEach
    void stop() {
        MDC.clear();
        context.stop();
    }

    @Test
    void jsonLinesCarryTheContractFieldsAndTheTaskIdWhenSet() {
        LogSetup.useJson(context);
        Logger logger = context.getLogger("io.taskfork.consumer.supervisor.TaskExecution");

        logger.info("starting");
        MDC.put(LogSetup.TASK_ID, "42");
        logger.info("task {} {} succeeded", 42, "echo");

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).has("task_id")).isFalse();
        JsonNode line = lines.get(1);
        assertThat(line.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("logger").asText()).isEqualTo("io.taskfork.consumer.supervisor.TaskExecution");
        assertThat(line.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(line.get("message").asText()).isEqualTo("task 42 echo succeeded");
        assertThat(line.get("task_id").isNumber()).isTrue();
        assertThat(line.get("task_id").asLong()).isEqualTo(42);
        assertThat(line.has("exception")).isFalse();
    }

    @Test
    void anExceptionIsItsStackTraceAsTextWithinTheOneLine() {
        LogSetup.useJson(context);

        context.getLogger("x").error("could not \"settle\"\nthe delivery", new IllegalStateException("broken"));

        String text = written.toString(StandardCharsets.UTF_8);
        assertThat(text.lines()).hasSize(1);
        JsonNode line = Json.parse(text);
        assertThat(line.get("level").asText()).isEqualTo("ERROR");
        assertThat(line.get("message").asText()).isEqualTo("could not \"settle\"\nthe delivery");
        assertThat(line.get("exception").asText())
                .startsWith("java.lang.IllegalStateException: broken")
                .contains("\tat io.taskfork.shared.logging.LogSetupTest");
    }

    @Test
    void levelsOfTheConfigurationStay() {
        context.getLogger("quiet").setLevel(ch.qos.logback.classic.Level.WARN);
        LogSetup.useJson(context);

        context.getLogger("quiet").info("not shown");
        context.getLogger("quiet").warn("shown");

        assertThat(lines()).singleElement().satisfies(line -> assertThat(line.get("message").asText()).isEqualTo("shown"));
    }

    @Test
    void usingJsonTwiceWritesEachEventOnce() {
        LogSetup.useJson(context);
        LogSetup.useJson(context);

        context.getLogger("x").warn("once");

        assertThat(lines()).hasSize(1);
    }

    private List<JsonNode> lines() {
        return written.toString(StandardCharsets.UTF_8).lines().map(Json::parse).toList();
    }
}
