package io.taskfork.producer.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.task.TaskOptions;
import io.taskfork.shared.task.TaskStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ShownPayloadTest {

    private static final String EXEC = "{\"argv\":[\"claude\",\"-p\",\"hi\"],\"env\":{\"ANTHROPIC_API_KEY\":\"sk-secret\","
            + "\"MODE\":\"fast\"}}";

    @Test
    void anExecTasksEnvValuesAreHiddenAndTheRowKeepsThem() {
        JsonNode payload = Json.parse(EXEC);

        JsonNode shown = ShownPayload.of("exec", payload);

        assertThat(Json.write(shown)).isEqualTo("{\"argv\":[\"claude\",\"-p\",\"hi\"],\"env\":{\"ANTHROPIC_API_KEY\":\"***\","
                + "\"MODE\":\"***\"}}");
        assertThat(payload.path("env").path("ANTHROPIC_API_KEY").asText()).isEqualTo("sk-secret");
    }

    @Test
    void otherTypesAndPayloadsWithoutEnvAreShownAsTheyAre() {
        assertThat(ShownPayload.of("echo", Json.parse(EXEC))).isEqualTo(Json.parse(EXEC));
        assertThat(ShownPayload.of("exec", Json.parse("{\"argv\":[\"true\"]}"))).isEqualTo(Json.parse("{\"argv\":[\"true\"]}"));
    }

    /** status --json and the HTTP API print rows through TaskJson. */
    @Test
    void statusJsonHidesThem() {
        Task task = new Task(3, "exec", Json.parse(EXEC), TaskStatus.QUEUED, 0, null, null, null, null,
                Instant.EPOCH, null, null, null, null, null, null, null, null, null, TaskOptions.NONE);

        assertThat(Json.write(TaskJson.of(task))).contains("\"ANTHROPIC_API_KEY\":\"***\"").doesNotContain("sk-secret");
    }

    /** dlq show prints a dead letter's body: a JSON message of an exec task carries the payload too. */
    @Test
    void aJsonMessageOfAnExecTaskIsShownWithItsEnvHidden() {
        String body = "{\"type\":\"exec\",\"payload\":" + EXEC + "}";

        assertThat(ShownPayload.ofMessageBody(body)).contains("\"ANTHROPIC_API_KEY\":\"***\"").doesNotContain("sk-secret");
        assertThat(ShownPayload.ofMessageBody("42")).isEqualTo("42");
        assertThat(ShownPayload.ofMessageBody("not json {")).isEqualTo("not json {");
    }

    /** A message with a field given twice is dead-lettered as malformed, and shown with its env hidden all the same. */
    @Test
    void aJsonMessageWithAFieldGivenTwiceIsShownWithItsEnvHidden() {
        String body = "{\"type\":\"exec\",\"payload\":" + EXEC + ",\"max_attempts\":1,\"max_attempts\":2}";

        assertThat(ShownPayload.ofMessageBody(body)).contains("\"ANTHROPIC_API_KEY\":\"***\"")
                .doesNotContain("sk-secret");
        assertThat(ShownPayload.ofMessageBody("{\"type\":\"exec\",\"payload\":{\"env\":{\"K\":\"s1\"}},"
                + "\"payload\":{\"env\":{\"K\":\"s2\"}}}")).doesNotContain("s1").doesNotContain("s2");
    }

    /** A body cut short is no JSON: it is shown as it came, but for every string and word after its env key. */
    @Test
    void aJsonMessageThatCannotBeParsedIsShownWithEverythingAfterItsEnvHidden() {
        String cut = "{\"type\":\"exec\",\"payload\":{\"argv\":[\"printenv\",\"env\"],\"env\":{\"TOKEN\":\"s3cret4\","
                + "\"URL:\": \"https://u:p@host/\",\"ESCAPED\":\"a\\\"b-s3cret5\",\"LIST\":[\"s3cret6\"]}}";

        assertThat(ShownPayload.ofMessageBody(cut)).isEqualTo("{\"type\":\"exec\",\"payload\":{\"argv\":[\"printenv\","
                + "\"env\"],\"env\":{\"***\":\"***\",\"***\": \"***\",\"***\":\"***\",\"***\":[\"***\"]}}");
        assertThat(ShownPayload.ofMessageBody("{\"type\":\"exec\",\"payload\":{\"env\":{\"TOKEN\":\"s3cr"))
                .isEqualTo("{\"type\":\"exec\",\"payload\":{\"env\":{\"***\":\"***\"");
        assertThat(ShownPayload.ofMessageBody("{\"env\": [\"TOKEN=s3cret7\", 1234, true"))
                .isEqualTo("{\"env\": [\"***\", \"***\", \"***\"");
        assertThat(ShownPayload.ofMessageBody("{'env': {'TOKEN': 'ab cd', 'N': 'x\\\ny'}"))
                .isEqualTo("{'env': {\"***\": \"***\", \"***\": \"***\"}");
    }

    /** A long value is matched in a loop: a recursion per character would overflow the stack. */
    @Test
    void aLongValueAfterTheEnvKeyOfABodyCutShortIsHiddenToo() {
        String body = "{\"type\":\"exec\",\"payload\":{\"env\":{\"BIG\":\"" + "x\\\"".repeat(100_000) + "\"}";

        assertThat(ShownPayload.ofMessageBody(body))
                .isEqualTo("{\"type\":\"exec\",\"payload\":{\"env\":{\"***\":\"***\"}");
    }
}
