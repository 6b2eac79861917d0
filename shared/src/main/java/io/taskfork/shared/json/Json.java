package io.taskfork.shared.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one configured {@link ObjectMapper} of taskfork. */
public final class Json {

    // A field given twice is refused rather than the last one taken in silence: {"max_attempts": 1, ...,
    // "max_attempts": 100} means what its sender did not see. A number with a fraction or an exponent
    // is kept as written, not as the nearest double: an amount of 12345678901234567.89 keeps its cents,
    // and 1e400 stays a number rather than becoming the text "Infinity".
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private static final Pattern NOT_A_NUMBER = Pattern.compile(
            "Non-standard token '([^']*)': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow");

    private Json() {
    }

    /**
     * The most digits a number may have written out. PostgreSQL's jsonb writes every number out in full
     * (1e1000 as a 1 and a thousand zeros), and Jackson reads no number of over 1000 characters: a row
     * holding a longer one could not be read again.
     */
    public static final int MOST_DIGITS = 990;

    /** Parses JSON text, failing with {@link IllegalArgumentException} and the parser's reason. */
    public static JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("empty JSON");
            }
            refuseLongNumbers(node);
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(reason(e), e);
        }
    }

    /**
     * {@code number} itself, when it has at most {@link #MOST_DIGITS} digits written out.
     *
     * @throws IllegalArgumentException naming it, when it has more
     */
    public static BigDecimal writtenOutFits(BigDecimal number) {
        if (Math.max(number.precision() - number.scale(), 1) + Math.max(number.scale(), 0) > MOST_DIGITS) {
            throw new IllegalArgumentException("the number " + number + " has more than " + MOST_DIGITS
                    + " digits written out, as PostgreSQL keeps it");
        }
        return number;
    }

    private static void refuseLongNumbers(JsonNode node) {
        if (node.isBigDecimal()) {
            writtenOutFits(node.decimalValue());
        }
        if (node.isContainerNode()) {
            node.forEach(Json::refuseLongNumbers);
        }
    }

    // The parser's words with where it stopped, without the note that it does not show the source, and
    // without databind's own names where the value ends early.
    private static String reason(JsonProcessingException e) {
        String reason = e.getOriginalMessage().replaceAll("Source: REDACTED \\([^)]*\\); ", "");
        if (reason.startsWith("Trailing token")) {
            reason = "trailing text after the JSON value";
        }
        reason = withoutSwitches(reason);
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? reason
                : reason + " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    // Jackson says which of its switches would let the text through; whoever sent it has no such switch,
    // and taskfork turns none on, so the line says what JSON has not instead.
    private static String withoutSwitches(String reason) {
        Matcher notANumber = NOT_A_NUMBER.matcher(reason);
        if (notANumber.matches()) {
            return notANumber.group(1) + " is not a JSON number";
        }
        return reason.replace("JSON spec does not allow numbers to have plus signs", "a JSON number has no plus sign")
                .replace("maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not"
                        + " enabled for parser)", "JSON has no comments")
                .replaceAll(": enable `[A-Za-z_.]+` to allow", "")
                .replaceAll(" \\(not recognized as one since Feature '[A-Z_]+' not enabled for parser\\)", "");
    }

    /**
     * What in {@code node} PostgreSQL cannot store, such as "a NUL character", or null when it can
     * store it all: a NUL (U+0000) in a string or field name, which jsonb refuses, or half of a
     * UTF-16 surrogate pair (U+D800 alone, say), which no UTF-8 holds and the driver would store as
     * {@code ?}. Refused where a payload comes in, so that nothing is changed unsaid.
     */
    public static String unstorable(JsonNode node) {
        return firstFound(node, Json::unstorable);
    }

    /** As {@link #unstorable(JsonNode)}, of one string. */
    public static String unstorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return "a NUL character (\\u0000)";
            }
            boolean paired = Character.isHighSurrogate(c) ? i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1)) : !Character.isLowSurrogate(c);
            if (!paired) {
                return String.format(Locale.ROOT, "half of a UTF-16 surrogate pair (\\u%04x)", (int) c);
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
        return null;
    }

    /** True when a string or field name anywhere in {@code node} holds a NUL, which jsonb refuses. */
    public static boolean containsNul(JsonNode node) {
        return firstFound(node, text -> text.indexOf('\0') >= 0 ? text : null) != null;
    }

    /** What {@code check} finds first in the strings and field names of {@code node}, or null. */
    private static String firstFound(JsonNode node, Function<String, String> check) {
        if (node.isTextual()) {
            return check.apply(node.textValue());
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String found = check.apply(field.getKey());
            if (found == null) {
                found = firstFound(field.getValue(), check);
            }
            if (found != null) {
                return found;
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                String found = firstFound(element, check);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** {@code node} with NULs dropped from every string and field name, for PostgreSQL. */
    public static JsonNode withoutNul(JsonNode node) {
        return containsNul(node) ? stripNul(node) : node;
    }

    // One walk over the tree: looking for NULs again at every level would visit it over and over.
    private static JsonNode stripNul(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(withoutNul(node.textValue()));
        }
        if (node.isArray()) {
            ArrayNode array = MAPPER.createArrayNode();
            node.forEach(element -> array.add(stripNul(element)));
            return array;
        }
        if (node.isObject()) {
            ObjectNode object = MAPPER.createObjectNode();
            node.fields().forEachRemaining(field -> object.set(withoutNul(field.getKey()), stripNul(field.getValue())));
            return object;
        }
        return node;
    }

    /** {@code text} without NUL characters, which PostgreSQL text refuses; null stays null. */
    public static String withoutNul(String text) {
        return text == null ? null : text.replace("\0", "");
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
