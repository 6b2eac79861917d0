package io.taskfork.shared.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.taskfork.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class WireFormatTest {

    private static final int MAX_BYTES = 1024;
    private static final String ECHO = "{\"type\":\"echo\",\"payload\":{\"a\":1}}";

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"42", " 42\n", "\t42\r\n"})
    void decimalBodyAsksForTheExistingTask(String body) {
        assertThat(parse(body, WireFormat.TEXT_PLAIN, null)).isEqualTo(new TaskMessage.Existing(42));
    }

    @Test
    void aDeliveryCountBelowZeroOrNotANumberCountsNone() {
        assertThat(WireFormat.deliveriesBefore(java.util.Map.of(WireFormat.PRIOR_DELIVERIES_HEADER, -5L,
                WireFormat.DELIVERY_COUNT_HEADER, 3L), true)).isEqualTo(3);
        assertThat(WireFormat.deliveriesBefore(java.util.Map.of(WireFormat.PRIOR_DELIVERIES_HEADER, "abc"), false))
                .isZero();
        assertThat(WireFormat.deliveriesBefore(java.util.Map.of(WireFormat.PRIOR_DELIVERIES_HEADER, 8), false))
                .isEqualTo(8);
    }

    @Test
    void taskIdBodyParsesBackToTheSameId() {
        byte[] body = WireFormat.taskIdBody(9_000_000_001L);

        assertThat(new String(body, StandardCharsets.US_ASCII)).isEqualTo("9000000001");
        assertThat(WireFormat.parse(body, WireFormat.TEXT_PLAIN, null, MAX_BYTES))
                .isEqualTo(new TaskMessage.Existing(9_000_000_001L));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"0", "-1", "abc", "", "12abc", "4 2"})
    void bodyThatIsNoTaskIdIsMalformed(String body) {
        MalformedMessageException e = malformed(body, WireFormat.TEXT_PLAIN, null);

        assertThat(e.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(e.getMessage()).startsWith("body is neither a task ID in ASCII decimal nor a JSON object");
    }

    @ParameterizedTest(name = "content type {0}")
    @NullSource
    @ValueSource(strings = {WireFormat.APPLICATION_JSON, WireFormat.TEXT_PLAIN})
    void jsonObjectBodyAsksToCreateTheTask(String contentType) {
        TaskMessage message = parse(ECHO, contentType, null);

        assertThat(message).isInstanceOf(TaskMessage.Create.class);
        TaskMessage.Create create = (TaskMessage.Create) message;
        assertThat(create.type()).isEqualTo("echo");
        assertThat(create.payload()).isEqualTo(Json.parse("{\"a\":1}"));
        assertThat(create.messageId()).isNull();
    }

    @Test
    void messageIdIsKeptForIdempotentCreation() {
        TaskMessage.Create create = (TaskMessage.Create) parse(ECHO, WireFormat.APPLICATION_JSON, "order-17");

        assertThat(create.messageId()).isEqualTo("order-17");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", " ", "\t"})
    void blankMessageIdCountsAsNone(String messageId) {
        TaskMessage.Create create = (TaskMessage.Create) parse(ECHO, WireFormat.APPLICATION_JSON, messageId);

        assertThat(create.messageId()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"type\":\"echo\"}", "{\"type\":\"echo\",\"payload\":null}"})
    void missingPayloadIsAnEmptyObject(String body) {
        TaskMessage.Create create = (TaskMessage.Create) parse(body, WireFormat.APPLICATION_JSON, null);

        assertThat(create.payload().isObject()).isTrue();
        assertThat(create.payload().isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"type\":\"echo\"", "{type:echo}", "{\"type\":\"echo\"} {}", "{\"type\":\"echo\",}"})
    void badJsonIsMalformedWithTheParsersReason(String body) {
        MalformedMessageException e = malformed(body, WireFormat.APPLICATION_JSON, null);

        assertThat(e.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(e.getMessage()).startsWith("bad JSON: ").hasSizeGreaterThan("bad JSON: ".length())
                .containsPattern("\\(at line 1, column \\d+\\)$").doesNotContain("REDACTED", "Source:");
    }

    @Test
    void emptyBodyDeclaredAsJsonIsMalformed() {
        MalformedMessageException e = malformed("", WireFormat.APPLICATION_JSON, null);

        assertThat(e.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(e.getMessage()).isEqualTo("bad JSON: empty JSON");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[1,2]", "\"echo\"", "4.2", "0", "-5", "null"})
    void jsonThatIsNotAnObjectIsMalformed(String body) {
        MalformedMessageException e = malformed(body, WireFormat.APPLICATION_JSON, null);

        assertThat(e.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(e.getMessage()).isEqualTo("JSON body is not an object");
    }

    @Test
    void aTaskIdPublishedAsJsonIsMalformedSayingHowAnIdIsPublished() {
        MalformedMessageException e = malformed("42", WireFormat.APPLICATION_JSON, null);

        assertThat(e.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(e.getMessage()).isEqualTo("JSON body is not an object: a task ID is published as text/plain");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{\"payload\":{}}",
        "{\"type\":\"\"}",
        "{\"type\":5}",
        "{\"type\":null}",
        "{\"type\":[\"echo\"]}",
        "{\"type\":\"two words\"}",
    })
    void jsonWithoutAUsableTypeIsMalformedAndSaysWhatTypeMustBe(String body) {
        MalformedMessageException e = malformed(body, WireFormat.APPLICATION_JSON, null);

        assertThat(e.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(e.getMessage()).contains("\"type\"").contains("string");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[1]", "\"text\"", "3", "true"})
    void payloadThatIsNotAnObjectIsMalformed(String payload) {
        MalformedMessageException e =
                malformed("{\"type\":\"echo\",\"payload\":" + payload + "}", WireFormat.APPLICATION_JSON, null);

        assertThat(e.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(e.getMessage()).isEqualTo("\"payload\" must be a JSON object");
    }

    @Test
    void bodyOverTheLimitIsTooLargeEvenWhenItIsAlsoBadJson() {
        byte[] body = new byte[MAX_BYTES + 1];
        Arrays.fill(body, (byte) '{');

        MalformedMessageException e = catchThrowableOfType(MalformedMessageException.class,
                () -> WireFormat.parse(body, WireFormat.APPLICATION_JSON, null, MAX_BYTES));

        assertThat(e.reason()).isEqualTo(DeadLetterReason.TOO_LARGE);
        assertThat(e.getMessage()).contains(Integer.toString(MAX_BYTES + 1)).contains(Integer.toString(MAX_BYTES));
    }

    @Test
    void bodyOfExactlyTheLimitIsAccepted() {
        String padded = ECHO + " ".repeat(MAX_BYTES - ECHO.length());

        assertThat(parse(padded, WireFormat.APPLICATION_JSON, null)).isInstanceOf(TaskMessage.Create.class);
    }

    @Test
    void malformedDetailShowsABoundedOneLinePreviewOfTheBody() {
        String body = "not a task\n".repeat(50);

        MalformedMessageException e = malformed(body, WireFormat.TEXT_PLAIN, null);

        assertThat(e.getMessage()).doesNotContain("\n").contains("\"not a task not a task").hasSizeLessThan(160);
    }

    @Test
    void oneLineFlattensLineBreaksAndRunsOfSpace() {
        assertThat(WireFormat.oneLine("  first line\r\n\tsecond   line\n")).isEqualTo("first line second line");
    }

    @Test
    void oneLineWritesOtherControlCharactersAsEscapes() {
        assertThat(WireFormat.oneLine("a\u001b[31mred\u0000b")).isEqualTo("a\\u001b[31mred\\u0000b");
    }

    @Test
    void textShownOnATerminalKeepsItsLinesAndTabsAndEscapesEveryOtherControlCharacter() {
        assertThat(WireFormat.controlsEscaped("at x\n\tat y\u001b]52;c;aGk=\u0007\rhidden\u0000"))
                .isEqualTo("at x\n\tat y\\u001b]52;c;aGk=\\u0007\\u000dhidden\\u0000");
        assertThat(WireFormat.controlsEscaped("plain")).isEqualTo("plain");
    }

    @Test
    void oneLineKeepsShortTextAsItIs() {
        String text = "x".repeat(300);

        assertThat(WireFormat.oneLine(text)).isEqualTo(text);
    }

    @Test
    void oneLineBoundsLongTextAndMarksTheCut() {
        String flat = WireFormat.oneLine("word\n".repeat(1000));

        assertThat(flat).hasSize(300).endsWith("…").doesNotContain("\n");
    }

    @Test
    void jsonCarriesItsTimeExpiryAndUniqueKey() {
        java.time.Instant before = java.time.Instant.now();
        TaskMessage.Create delayed = (TaskMessage.Create) parse(
                "{\"type\":\"echo\",\"delay\":\"10m\",\"unique_key\":\"k\"}", WireFormat.APPLICATION_JSON, null);
        TaskMessage.Create seconds = (TaskMessage.Create) parse(
                "{\"type\":\"echo\",\"delay\":1.5}", WireFormat.APPLICATION_JSON, null);
        TaskMessage.Create at = (TaskMessage.Create) parse("{\"type\":\"echo\",\"run_at\":\"2030-01-01T00:00:00Z\","
                + "\"expires_at\":\"2030-01-01T01:00:00Z\"}", WireFormat.APPLICATION_JSON, null);

        assertThat(delayed.options().runAt()).isBetween(before.plusSeconds(600), java.time.Instant.now().plusSeconds(600));
        assertThat(delayed.options().uniqueKey()).isEqualTo("k");
        assertThat(seconds.options().runAt()).isAfterOrEqualTo(before.plusMillis(1500));
        assertThat(at.options().runAt()).isEqualTo(java.time.Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(at.options().expiresAt()).isEqualTo(java.time.Instant.parse("2030-01-01T01:00:00Z"));
        assertThat(((TaskMessage.Create) parse(ECHO, WireFormat.APPLICATION_JSON, null)).options())
                .isEqualTo(io.taskfork.shared.task.TaskOptions.NONE);
    }

    @Test
    void deadLetterReasonValuesAreExactlyTheDocumentedOnes() {
        assertThat(Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::value))
                .containsExactlyInAnyOrder("exception", "exit", "signal", "oom", "timeout", "memory", "malformed",
                        "unknown-task", "unknown-type", "too-large", "delivery-limit");
    }

    @Test
    void deadLetterReasonIsFoundByItsValue() {
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            assertThat(DeadLetterReason.of(reason.value())).isEqualTo(reason);
        }
    }

    static TaskMessage parse(String body, String contentType, String messageId) {
        return WireFormat.parse(body.getBytes(StandardCharsets.UTF_8), contentType, messageId, MAX_BYTES);
    }

    static MalformedMessageException malformed(String body, String contentType, String messageId) {
        MalformedMessageException e = catchThrowableOfType(MalformedMessageException.class,
                () -> parse(body, contentType, messageId));
        assertThat(e).as("parsing %s", body).isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n");
        return e;
    }

    @Test
    void payloadWithANulCharacterIsMalformedBecausePostgresCannotStoreIt() {
        byte[] body = "{\"type\":\"echo\",\"payload\":{\"a\":[\"x\\u0000y\"]}}".getBytes(StandardCharsets.UTF_8);

        MalformedMessageException e = catchThrowableOfType(MalformedMessageException.class,
                () -> WireFormat.parse(body, null, null, 1024));

        assertThat(e.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(e.getMessage()).contains("NUL");
    }

    @Test
    void payloadWithHalfOfASurrogatePairIsMalformedBecausePostgresWouldChangeIt() {
        byte[] body = "{\"type\":\"echo\",\"payload\":{\"a\":\"\\udfff\"}}".getBytes(StandardCharsets.UTF_8);

        MalformedMessageException e = catchThrowableOfType(MalformedMessageException.class,
                () -> WireFormat.parse(body, null, null, 1024));

        assertThat(e.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(e.getMessage()).isEqualTo("payload contains half of a UTF-16 surrogate pair (\\udfff), which"
                + " PostgreSQL cannot store");
    }

    @Test
    void withoutNulCleansStringsAndFieldNamesButNotEscapedBackslashes() {
        var node = Json.parse("{\"k\\u0000\":[\"a\\u0000b\", \"\\\\u0000\"]}");

        assertThat(Json.containsNul(node)).isTrue();
        assertThat(Json.write(Json.withoutNul(node))).isEqualTo("{\"k\":[\"ab\",\"\\\\u0000\"]}");
    }

    @ParameterizedTest(name = "max_attempts {0}")
    @ValueSource(ints = {-1, 0, 101})
    void maxAttemptsOutsideOneToAHundredIsMalformed(int maxAttempts) {
        byte[] body = ("{\"type\":\"echo\",\"max_attempts\":" + maxAttempts + "}").getBytes(StandardCharsets.UTF_8);

        MalformedMessageException e = catchThrowableOfType(MalformedMessageException.class,
                () -> WireFormat.parse(body, null, null, MAX_BYTES));

        assertThat(e.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(e.getMessage()).contains("\"max_attempts\" must be a whole number from 1 to 100");
    }

    @ParameterizedTest(name = "max_attempts {0}")
    @ValueSource(ints = {1, 100})
    void maxAttemptsAtEitherEndOfTheRangeIsTheTasksOwnLimit(int maxAttempts) {
        byte[] body = ("{\"type\":\"echo\",\"max_attempts\":" + maxAttempts + "}").getBytes(StandardCharsets.UTF_8);

        TaskMessage message = WireFormat.parse(body, null, null, MAX_BYTES);

        assertThat(((TaskMessage.Create) message).maxAttempts()).isEqualTo(maxAttempts);
    }

    @Test
    void maxAttemptsBeyondAnIntIsMalformedNotWrappedIntoRange() {
        byte[] body = "{\"type\":\"echo\",\"max_attempts\":4294967297}".getBytes(StandardCharsets.UTF_8);

        MalformedMessageException e = catchThrowableOfType(MalformedMessageException.class,
                () -> WireFormat.parse(body, null, null, 1024));

        assertThat(e.reason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(e.getMessage()).contains("max_attempts");
    }

    @Test
    void theSchemaHeaderIsReadFromTheBrokersStringsAndAClientsBytesAndAnEmptyOneIsNone() {
        assertThat(WireFormat.schemaOf(java.util.Map.of(WireFormat.SCHEMA_HEADER,
                com.rabbitmq.client.impl.LongStringHelper.asLongString("billing")))).isEqualTo("billing");
        assertThat(WireFormat.schemaOf(java.util.Map.of(WireFormat.SCHEMA_HEADER,
                "billing".getBytes(java.nio.charset.StandardCharsets.UTF_8)))).isEqualTo("billing");
        assertThat(WireFormat.namesAnotherSchema(java.util.Map.of(WireFormat.SCHEMA_HEADER, ""), "taskfork")).isFalse();
        assertThat(WireFormat.namesAnotherSchema(null, "taskfork")).isFalse();
        assertThat(WireFormat.namesAnotherSchema(java.util.Map.of(WireFormat.SCHEMA_HEADER, "taskfork"), "taskfork"))
                .isFalse();
        assertThat(WireFormat.namesAnotherSchema(java.util.Map.of(WireFormat.SCHEMA_HEADER, "billing"), "taskfork"))
                .isTrue();
    }

    @Test
    void aSchemaHeaderThatNamesNoSchemaIsShownQuotedEscapedAndCut() {
        assertThat(WireFormat.schemaShown("billing_2")).isEqualTo("billing_2");
        assertThat(WireFormat.schemaShown("a\n23:59:59.000 INFO  Supervisor - forged"))
                .isEqualTo("\"a\\n23:59:59.000 INFO  Supervisor - forged\"");
        assertThat(WireFormat.schemaShown("trial\t")).isEqualTo("\"trial\\t\"");
        assertThat(WireFormat.schemaShown("x".repeat(20_000))).hasSize(64 + 3);
    }
}
