package io.taskfork.producer.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.TaskOptions;
import org.junit.jupiter.api.Test;

class TaskInputTest {

    @Test
    void lineWithTypeAndPayloadBecomesTask() {
        NewTask task = TaskInput.fromLine("{\"type\": \"sleep\", \"payload\": {\"ms\": 5}}");

        assertThat(task.type()).isEqualTo("sleep");
        assertThat(task.payload()).isEqualTo(Json.parse("{\"ms\": 5}"));
    }

    @Test
    void lineWithoutPayloadGetsEmptyObject() {
        assertThat(TaskInput.fromLine("{\"type\": \"echo\"}").payload()).isEqualTo(Json.parse("{}"));
        assertThat(TaskInput.fromLine("{\"type\": \"echo\", \"payload\": null}").payload()).isEqualTo(Json.parse("{}"));
    }

    @Test
    void lineThatIsNotJsonIsRefusedAsBadJson() {
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": \"echo\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad JSON: ");
    }

    @Test
    void lineWithTrailingGarbageIsRefusedAsBadJson() {
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": \"echo\"} {}"))
                .hasMessage("bad JSON: trailing text after the JSON value (at line 1, column 18)");
    }

    @Test
    void lineThatIsNotAnObjectIsRefused() {
        assertThatThrownBy(() -> TaskInput.fromLine("[\"echo\"]")).hasMessage("expected a JSON object, not an array");
    }

    @Test
    void lineWithoutTypeIsRefused() {
        assertThatThrownBy(() -> TaskInput.fromLine("{\"payload\": {}}")).hasMessage("no \"type\"");
    }

    @Test
    void lineWhoseTypeIsNoNameIsRefused() {
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": 7}")).hasMessageStartingWith("\"type\" must be a string");
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": \"\"}")).hasMessageStartingWith("\"type\" must be a string");
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": \"a b\"}")).hasMessageStartingWith("\"type\" must be a string");
    }

    @Test
    void lineWhosePayloadIsNotAnObjectIsRefused() {
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": \"echo\", \"payload\": \"x\"}"))
                .hasMessage("\"payload\" must be a JSON object, not a string");
    }

    @Test
    void lineWithNulInPayloadIsRefusedAsPostgresCannotStoreIt() {
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": \"echo\", \"payload\": {\"a\": [\"x\\u0000\"]}}"))
                .hasMessage("\"payload\" contains a NUL character (\\u0000), which PostgreSQL cannot store");
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": \"echo\", \"payload\": {\"\\u0000\": 1}}"))
                .hasMessageContaining("NUL");
    }

    /** PostgreSQL's driver would store half of a surrogate pair as "?": the payload would change unsaid. */
    @Test
    void aPayloadWithHalfOfASurrogatePairIsRefusedAndAWholePairIsKept() {
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": \"echo\", \"payload\": {\"s\": \"a\\ud800b\"}}"))
                .hasMessage("\"payload\" contains half of a UTF-16 surrogate pair (\\ud800), which PostgreSQL"
                        + " cannot store");
        assertThatThrownBy(() -> TaskInput.fromOptions("echo", "{\"s\": \"\\udc00\"}", null, TaskOptions.NONE))
                .hasMessage("invalid --payload: contains half of a UTF-16 surrogate pair (\\udc00), which PostgreSQL"
                        + " cannot store");
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": \"echo\", \"payload\": {\"s\": [\"\\ud83d\"]}}"))
                .hasMessageContaining("(\\ud83d)");

        NewTask whole = TaskInput.fromLine("{\"type\": \"echo\", \"payload\": {\"s\": \"\\ud83d\\ude00\"}}");
        assertThat(whole.payload().get("s").asText()).isEqualTo("\ud83d\ude00");
    }

    /** A line's or a request's expiry that has passed could never be met: a JSON message's may, as it waits. */
    @Test
    void aLineWhoseExpiryHasPassedIsRefused() {
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": \"echo\", \"expires_at\": \"2020-01-01T00:00:00Z\"}"))
                .hasMessage("\"expires_at\" (2020-01-01T00:00:00Z) has passed: the task could never run");
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": \"echo\", \"run_at\": \"2020-01-01T00:00:00Z\","
                + " \"expires_at\": \"2020-01-01T00:00:01Z\"}")).hasMessageContaining("has passed");
        assertThat(TaskInput.fromLine("{\"type\": \"echo\", \"expires_at\": \"2999-01-01T00:00:00Z\"}").options()
                .expiresAt()).isEqualTo("2999-01-01T00:00:00Z");
    }

    @Test
    void lineWithEscapedBackslashBeforeU0000IsNoNul() {
        NewTask task = TaskInput.fromLine("{\"type\": \"echo\", \"payload\": {\"path\": \"C:\\\\u0000\"}}");

        assertThat(task.payload().get("path").asText()).isEqualTo("C:\\u0000");
    }

    @Test
    void optionsBecomeTask() {
        NewTask task = TaskInput.fromOptions("echo", "{\"a\": [1, 2]}", null, TaskOptions.NONE);

        assertThat(task.type()).isEqualTo("echo");
        assertThat(task.payload()).isEqualTo(Json.parse("{\"a\": [1, 2]}"));
    }

    @Test
    void optionsWithPayloadThatIsNotAnObjectAreRefused() {
        assertThatThrownBy(() -> TaskInput.fromOptions("echo", "null", null, TaskOptions.NONE))
                .hasMessage("invalid --payload: expected a JSON object, not null");
        assertThatThrownBy(() -> TaskInput.fromOptions("echo", "", null, TaskOptions.NONE))
                .hasMessageStartingWith("invalid --payload: bad JSON: ");
        assertThatThrownBy(() -> TaskInput.fromOptions("echo", "{\"a\": \"\\u0000\"}", null, TaskOptions.NONE))
                .hasMessageStartingWith("invalid --payload: contains a NUL character");
    }

    @Test
    void aFieldALineCannotHoldIsNamedNotDropped() {
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": \"echo\", \"max_attempt\": 1}"))
                .hasMessage("unknown field \"max_attempt\": a line holds only type, payload, max_attempts, queue,"
                        + " delay, run_at, expires_at, unique_key");
    }

    @Test
    void aFieldGivenTwiceInALineOrAPayloadIsRefusedNamingIt() {
        assertThatThrownBy(() -> TaskInput.fromLine("{\"type\": \"echo\", \"type\": \"fail\"}"))
                .hasMessageStartingWith("bad JSON: Duplicate field 'type'");
        assertThatThrownBy(() -> TaskInput.fromOptions("echo", "{\"n\": 1, \"n\": 2}", null, TaskOptions.NONE))
                .hasMessageStartingWith("invalid --payload: bad JSON: Duplicate field 'n'");
    }
}
