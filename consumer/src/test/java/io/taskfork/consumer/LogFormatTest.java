package io.taskfork.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.logging.LogSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/** The supervisor's log lines by its own logback.xml: the task's ID where a line is about one, and JSON on demand. */
class LogFormatTest {

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream originalErr = System.err;

    @BeforeEach
    void consumersConfigurationWritingToACapturedStderr() throws Exception {
        // the console appender writes to whatever System.err is at each line
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        context.setMDCAdapter(MDC.getMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(ConsumerMain.class.getResource("/logback.xml"));
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        MDC.clear();
        context.stop();
    }

    @Test
    void aTextLineAboutATaskNamesItAndOthersDoNot() {
        Logger logger = context.getLogger("io.taskfork.consumer.supervisor.TaskExecution");

        logger.info("consuming taskfork.tasks");
        MDC.put(LogSetup.TASK_ID, "42");
        logger.info("task 42 echo succeeded in 812 ms");

        List<String> lines = stderr.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  TaskExecution - consuming taskfork.tasks");
        assertThat(lines.get(1))
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  TaskExecution \\[task 42\\] - task 42 echo succeeded in 812 ms");
    }

    @Test
    void inJsonEachLineIsAnObjectWithTheTaskIdWhereItIsAboutOne() {
        LogSetup.useJson(context);
        Logger logger = context.getLogger("io.taskfork.consumer.supervisor.DeliveryProcessor");

        context.getLogger("org.flywaydb.core.Flyway").info("below the configured level");
        logger.info("consuming taskfork.tasks");
        MDC.put(LogSetup.TASK_ID, "42");
        logger.error("delivery 7 could not be handled; requeued", new IllegalStateException("broken"));

        List<JsonNode> lines = stderr.toString(StandardCharsets.UTF_8).lines().map(Json::parse).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).has("task_id")).isFalse();
        JsonNode error = lines.get(1);
        assertThat(error.get("level").asText()).isEqualTo("ERROR");
        assertThat(error.get("logger").asText()).isEqualTo("io.taskfork.consumer.supervisor.DeliveryProcessor");
        assertThat(error.get("task_id").asLong()).isEqualTo(42);
        assertThat(error.get("exception").asText()).startsWith("java.lang.IllegalStateException: broken");
    }

    @Test
    void anUnknownFormatIsRefusedAtStartWithOneLineNamingTheFlagAndTheVariable() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = ConsumerMain.run(new String[] {"--log-format", "xml"}, Map.of(),
                new PrintStream(err, true, StandardCharsets.UTF_8), new StopRequests());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("taskfork consumer: invalid --log-format (TASKFORK_LOG_FORMAT) \"xml\": expected text or json\n");
    }
}
