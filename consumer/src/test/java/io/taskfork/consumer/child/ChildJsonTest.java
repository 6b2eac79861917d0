package io.taskfork.consumer.child;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.json.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildJsonTest {

    private static final String SAMPLE = "{\"int\":7,\"long\":12345678901,\"big\":123456789012345678901234567890,"
            + "\"double\":2.5,\"exp\":1e300,\"text\":\"caf\\u00e9 \\\"q\\\" \\n\",\"yes\":true,\"no\":false,"
            + "\"none\":null,\"list\":[1,[2,{}],\"x\"],\"empty\":{}}";

    @Test
    void parsesTreesAsTheObjectMapperDoes() {
        JsonNode lean = ChildJson.parse(SAMPLE);

        assertThat(lean.equals(SAME_VALUE, Json.parse(SAMPLE))).isTrue();
        assertThat(lean.get("int").isInt()).isTrue();
        assertThat(lean.get("long").isLong()).isTrue();
        assertThat(lean.get("big").isBigInteger()).isTrue();
        assertThat(lean.get("double").isDouble()).isTrue();
    }

    @Test
    void writesOneLineThatTheObjectMapperReadsBack() {
        JsonNode tree = Json.parse(SAMPLE);

        String line = new String(ChildJson.line(tree), StandardCharsets.UTF_8);

        assertThat(line).endsWith("\n").doesNotContain("\n\"");
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        assertThat(Json.parse(line)).isEqualTo(tree);
        assertThat(line.strip()).isEqualTo(Json.write(tree));
    }

    @Test
    void refusesWhatJsonParseRefuses() {
        assertThatThrownBy(() -> ChildJson.parse("{\"a\":1} {")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChildJson.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChildJson.parse("{\"a\":")).isInstanceOf(IllegalArgumentException.class);
        for (String bad : List.of("01", "+1", "1.", ".5", "1e", "-", "NaN", "[1,]", "{\"a\":1,}", "{'a':1}", "[1 2]",
                "\"tab\there\"", "\"\\x\"", "\"\\u12\"", "tru", "nul", "{\"a\" 1}", "{1:2}", "[", "\"open",
                "// c\n1", "[1]]")) {
            assertThatThrownBy(() -> ChildJson.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(RuntimeException.class);
        }
        assertThatThrownBy(() -> ChildJson.parse("[".repeat(JsonReader.MAX_DEPTH + 2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsEdgesOfTheGrammarAsTheObjectMapperDoes() {
        for (String good : List.of("0", "-0", "-0.0", "2147483647", "2147483648", "-2147483648", "-2147483649",
                "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                "-12345678901234567890123", "1E2", "1e-2", "-1.5E+3", "1e400", "\"\\ud83d\\ude00 \\/ \\b\\f\\r\\t\"",
                " \t\r\n{ \"a\" : [ ] , \"b\" : { } } ", "\"\"", "[[[]]]", "\"\u00e9\u4e2d\"")) {
            JsonNode lean = ChildJson.parse(good);
            JsonNode full = Json.parse(good);
            assertThat(lean.equals(SAME_VALUE, full)).as(good).isTrue();
            assertThat(lean.getNodeType()).as(good).isEqualTo(full.getNodeType());
            if (full.isIntegralNumber()) {
                assertThat(lean.numberType()).as(good).isEqualTo(full.numberType());
            }
        }
    }

    /**
     * A payload's numbers reach a handler, and an echo of them its result, with the value they were sent
     * with: as a double where one holds it, else as a BigDecimal, never the nearest double or "Infinity".
     */
    @Test
    void numbersKeepTheirValueFromPayloadToResultLine() {
        for (String held : List.of("0.5", "-1.5E+3", "1e-2", "1e300", "2.82879384806159E17", "123456789012.345",
                "-0.0", "0e5", "2.22507385850721E-308")) {
            JsonNode lean = ChildJson.parse(held);
            assertThat(lean.isDouble()).as(held).isTrue();
            assertThat(valueOfLine(lean)).as(held).isEqualByComparingTo(new BigDecimal(held));
        }
        for (String beyond : List.of("1e400", "-1e400", "0.1000000000000000055511151231257827", "12345678901234567.89",
                "4.9e-324", "1e-400", "1.7976931348623159e308")) {
            JsonNode lean = ChildJson.parse(beyond);
            assertThat(lean.isBigDecimal()).as(beyond).isTrue();
            assertThat(valueOfLine(lean)).as(beyond).isEqualByComparingTo(new BigDecimal(beyond));
        }
    }

    /** A command's JSON line, or a handler's result, with a number the supervisor would refuse: refused here. */
    @Test
    void aNumberTooLongWrittenOutIsRefusedInALineAndAResult() {
        assertThatThrownBy(() -> ChildJson.parse("{\"n\":1e1000}")).hasMessageContaining("digits written out");
        assertThatThrownBy(() -> ChildJson.toTree(Map.of("n", new BigDecimal("1e-1000"))))
                .hasMessageContaining("digits written out");
    }

    /** As deep as the generator writes, and not one level more; a map that holds itself is refused the same way. */
    @Test
    void aResultIsConvertedToTheDepthJsonIsWrittenToAndRefusedBeyondIt() {
        Object deepest = "bottom";
        for (int depth = 0; depth < JsonReader.MAX_DEPTH; depth++) {
            deepest = List.of(deepest);
        }
        assertThat(ChildJson.line(ChildJson.toTree(deepest)))
                .hasSize(2 * JsonReader.MAX_DEPTH + "\"bottom\"\n".length());

        Object tooDeep = List.of(deepest);
        assertThatThrownBy(() -> ChildJson.toTree(tooDeep)).hasMessageContaining("nesting depth exceeds 1000");
        Map<String, Object> itself = new HashMap<>();
        itself.put("itself", itself);
        assertThatThrownBy(() -> ChildJson.toTree(itself)).hasMessageContaining("holds itself");
    }

    /** Written as "NaN", as databind would, a number would become text without a word. */
    @Test
    void aResultHoldingNanOrAnInfinityIsRefused() {
        for (Object value : List.of(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)) {
            assertThatThrownBy(() -> ChildJson.line(ChildJson.toTree(Map.of("x", value)))).as(value.toString())
                    .hasMessage("it holds " + value + ", which JSON has no number for");
        }
        assertThatThrownBy(() -> ChildJson.line(ChildJson.toTree(Double.NaN))).hasMessageContaining("NaN");
    }

    /** A Path iterates over Paths without end: it is written as databind writes one, its URI. */
    @Test
    void aPathResultIsWrittenAsItsUri() {
        assertThat(ChildJson.toTree(Map.of("file", Path.of("/tmp/report.csv"))).path("file").asText())
                .isEqualTo("file:///tmp/report.csv");
    }

    private static BigDecimal valueOfLine(JsonNode number) {
        return Json.parse(new String(ChildJson.line(number), StandardCharsets.UTF_8)).decimalValue();
    }

    // Numbers equal in value, whatever node holds them; everything else as JsonNode.equals has it.
    private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> finite(a) && finite(b)
            ? a.decimalValue().compareTo(b.decimalValue()) : (a.equals(b) ? 0 : 1);

    /**
     * What a child parses is its request, which the supervisor wrote, and a command's last line of
     * output, its result: a field given twice there is the command's to give, and the last one is
     * taken, where taskfork's own parse refuses it in what comes in as a task.
     */
    @Test
    void aFieldGivenTwiceInACommandsResultTakesTheLastOne() {
        assertThat(ChildJson.parse("{\"a\":1,\"a\":2}")).isEqualTo(Json.parse("{\"a\":2}"));
    }

    @Test
    void convertsPlainResultsAsDatabindWould() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("n", 3);
        map.put("l", 4L);
        map.put("d", 0.5);
        map.put("f", 1.5f);
        map.put("big", new BigInteger("123456789012345678901234567890"));
        map.put("dec", new BigDecimal("1.25"));
        map.put("s", "text");
        map.put("b", true);
        map.put("nothing", null);
        map.put("list", Arrays.asList(1, "two", null, List.of(3.5)));
        map.put("record", new Point(1, 2));

        assertThat(ChildJson.toTree(map).equals(SAME_VALUE, Json.MAPPER.valueToTree(map))).isTrue();
        assertThat(ChildJson.toTree(null).isNull()).isTrue();
        assertThat(ChildJson.toTree(new Point(3, 4))).isEqualTo(Json.MAPPER.valueToTree(new Point(3, 4)));
        assertThat(ChildJson.toTree(Map.of(1, "a"))).isEqualTo(Json.MAPPER.valueToTree(Map.of(1, "a")));
    }

    private static boolean finite(JsonNode node) {
        return node.isNumber() && Double.isFinite(node.isFloatingPointNumber() ? node.doubleValue() : 0);
    }

    record Point(int x, int y) {
    }
}
