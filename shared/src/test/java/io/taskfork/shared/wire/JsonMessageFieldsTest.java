package io.taskfork.shared.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.task.TaskOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** README, "Sending work from other languages": the fields of a JSON message, each checked and named when wrong. */
class JsonMessageFieldsTest {

    @Test
    void badTimeExpiryOrKeyIsMalformedNamingTheField() {
        String[][] bodies = {
                {"{\"type\":\"echo\",\"delay\":\"soon\"}", "\"delay\" must be a duration"},
                {"{\"type\":\"echo\",\"delay\":-1}", "\"delay\" is never negative, not -1"},
                {"{\"type\":\"echo\",\"delay\":\"PT-5S\"}", "\"delay\": a duration is never negative, not PT-5S"},
                {"{\"type\":\"echo\",\"delay\":\"99999999999h\"}", "\"delay\": a duration of at most 999999999"},
                {"{\"type\":\"echo\",\"run_at\":\"tomorrow\"}", "\"run_at\" must be an ISO-8601 instant"},
                {"{\"type\":\"echo\",\"delay\":\"1s\",\"run_at\":\"2030-01-01T00:00:00Z\"}", "not both"},
                {"{\"type\":\"echo\",\"expires_at\":5}", "\"expires_at\" must be an ISO-8601 instant"},
                {"{\"type\":\"echo\",\"unique_key\":7}", "\"unique_key\" must be a string"},
                {"{\"type\":\"echo\",\"unique_key\":\"a\\u0000b\"}", "NUL"},
                {"{\"type\":\"echo\",\"unique_key\":\"a\\nb\"}", "control character"},
                {"{\"type\":\"echo\",\"unique_key\":\"a\\ud800\"}", "half of a UTF-16 surrogate pair (\\ud800)"},
                {"{\"type\":\"echo\",\"run_at\":\"2030-01-01T02:00:00Z\",\"expires_at\":\"2030-01-01T01:00:00Z\"}",
                    "would expire"}};
        for (String[] bodyAndSaying : bodies) {
            String body = bodyAndSaying[0];
            String saying = bodyAndSaying[1];
            MalformedMessageException e = malformed(body);
            assertThat(e.reason()).as(body).isEqualTo(DeadLetterReason.MALFORMED);
            assertThat(e.getMessage()).as(body).contains(saying);
        }
    }

    @Test
    void aFieldAJsonMessageDoesNotHaveIsMalformedNamingIt() {
        MalformedMessageException misspelt = malformed("{\"type\":\"echo\",\"max_attempt\":5}");

        assertThat(misspelt.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(misspelt.getMessage()).isEqualTo("unknown field \"max_attempt\": a JSON message holds only type,"
                + " payload, max_attempts, queue, delay, run_at, expires_at, unique_key");
        assertThat(malformed("{\"type\":\"echo\",\"queue\":\"amq.x\"}"))
                .hasMessageStartingWith("\"queue\": a name that starts with amq.");
        assertThat(created("{\"type\":\"echo\",\"queue\":\"fast\"}").options().queue()).isEqualTo("fast");
    }

    @Test
    void aUniqueKeyIsCountedInCharactersNotInUtf16Units() {
        String rocket = "\uD83D\uDE80";

        assertThat(created("{\"type\":\"echo\",\"unique_key\":\"" + rocket.repeat(200) + "\"}").options().uniqueKey())
                .hasSize(400);
        assertThat(malformed("{\"type\":\"echo\",\"unique_key\":\"" + rocket.repeat(201) + "\"}"))
                .hasMessageContaining("a unique key is 1 to 200 characters");
    }

    @Test
    void aFieldGivenTwiceIsMalformedNamingIt() {
        MalformedMessageException twice = malformed("{\"type\":\"echo\",\"max_attempts\":1,\"max_attempts\":100}");

        assertThat(twice.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(twice.getMessage()).isEqualTo("bad JSON: Duplicate field 'max_attempts' (at line 1, column 47)");
        assertThat(malformed("{\"type\":\"echo\",\"payload\":{\"n\":1,\"n\":2}}"))
                .hasMessageStartingWith("bad JSON: Duplicate field 'n'");
    }

    /** PostgreSQL keeps no time past 294276 AD, nor Java's: such a time is the message's fault, told as such. */
    @Test
    void aTimeOutOfTheRangeATaskCanHaveIsMalformedNamingTheField() {
        Map<String, String> bodies = Map.of(
                "{\"type\":\"echo\",\"run_at\":\"+999999999-12-31T23:59:59Z\"}", "\"run_at\" is out of the range",
                "{\"type\":\"echo\",\"expires_at\":\"+10000-01-01T00:00:00Z\"}", "\"expires_at\" is out of the range",
                "{\"type\":\"echo\",\"run_at\":\"-0001-01-01T00:00:00Z\"}", "\"run_at\" is out of the range");
        bodies.forEach((body, saying) -> {
            MalformedMessageException e = malformed(body);
            assertThat(e.reason()).as(body).isEqualTo(DeadLetterReason.MALFORMED);
            assertThat(e.getMessage()).as(body).contains(saying)
                    .contains("0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z");
        });
        assertThat(malformed("{\"type\":\"echo\",\"delay\":1e20}").getMessage())
                .contains("\"delay\": a duration of at most 3650 days (87600h), not 1E+20 seconds");
        assertThat(malformed("{\"type\":\"echo\",\"delay\":\"100000000h\"}").getMessage())
                .contains("\"delay\": a duration of at most 3650 days (87600h), not 100000000h");
        assertThat(created("{\"type\":\"echo\",\"run_at\":\"9999-12-31T23:59:59Z\"}").options().runAt())
                .isEqualTo(TaskOptions.LATEST);
    }

    private static MalformedMessageException malformed(String body) {
        return WireFormatTest.malformed(body, WireFormat.APPLICATION_JSON, null);
    }

    private static TaskMessage.Create created(String body) {
        return (TaskMessage.Create) WireFormatTest.parse(body, WireFormat.APPLICATION_JSON, null);
    }
}
