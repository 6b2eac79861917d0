package io.taskfork.shared.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.shared.json.Json;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskContextTest {

    record Amount(double value, BigDecimal exact) {
    }

    /** A Map's values are what handlers cast them to; a number a double would change stays whole. */
    @Test
    void payloadAsGivesAMapDoublesWhereTheyHoldTheNumberAndARecordItsFieldsTypes() {
        // as a child reads a payload: a double where one holds the number, else a BigDecimal
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("half", 0.5)
                .put("cents", new BigDecimal("12345678901234567.89"));
        TaskContext context = with(payload);

        Map<?, ?> map = context.payloadAs(Map.class);
        assertThat(map.get("half")).isEqualTo(0.5);
        assertThat(map.get("cents")).isInstanceOf(BigDecimal.class);
        assertThat(((BigDecimal) map.get("cents"))).isEqualByComparingTo("12345678901234567.89");

        Amount amount = with(Json.parse("{\"value\": 0.5, \"exact\": 12345678901234567.89}")).payloadAs(Amount.class);
        assertThat(amount.value()).isEqualTo(0.5);
        assertThat(amount.exact()).isEqualByComparingTo("12345678901234567.89");
    }

    private static TaskContext with(JsonNode payload) {
        return new TaskContext() {
            @Override
            public long taskId() {
                return 1;
            }

            @Override
            public int attempt() {
                return 1;
            }

            @Override
            public JsonNode payload() {
                return payload;
            }

            @Override
            public Path workDirectory() {
                return Path.of(".");
            }

            @Override
            public ProgressReporter progress() {
                return (percent, message) -> { };
            }

            @Override
            public System.Logger logger() {
                return System.getLogger("test");
            }
        };
    }
}
