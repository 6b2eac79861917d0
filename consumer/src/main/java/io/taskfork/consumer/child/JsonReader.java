package io.taskfork.consumer.child;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Strict JSON (RFC 8259) read into databind's tree nodes: ints, longs and big integers by size, other
 * numbers as doubles where that keeps their value, else as {@code BigDecimal}s as taskfork's
 * {@code ObjectMapper} reads them all; the last of two equal names kept.
 *
 * <p>Not jackson-core's parser: the first parser a JVM makes initializes {@code BigDecimal}, whose
 * class initializer on JDK 25 computes 5^65536, about 16 ms of CPU: a third of a bare JVM's start,
 * paid by every child for a request of a few hundred bytes (README: "What a JDK 25 child costs").
 */
final class JsonReader {

    // jackson-core's default limit (StreamReadConstraints): deeper input fails here as it did there.
    static final int MAX_DEPTH = 1000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String text;
    private int at;

    private JsonReader(String text) {
        this.text = text;
    }

    /** The one JSON value of {@code text}, with nothing but whitespace around it. */
    static JsonNode read(String text) {
        JsonReader reader = new JsonReader(text);
        reader.skipWhitespace();
        if (reader.at == text.length()) {
            throw new IllegalArgumentException("empty JSON");
        }
        JsonNode value = reader.value(0);
        reader.skipWhitespace();
        if (reader.at != text.length()) {
            throw reader.error("trailing text after the JSON value");
        }
        return value;
    }

    private JsonNode value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("JSON nested deeper than " + MAX_DEPTH);
        }
        char c = peek();
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return NODES.textNode(string());
            case 't':
                word("true");
                return NODES.booleanNode(true);
            case 'f':
                word("false");
                return NODES.booleanNode(false);
            case 'n':
                word("null");
                return NODES.nullNode();
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private ObjectNode object(int depth) {
        ObjectNode object = NODES.objectNode();
        at++;
        skipWhitespace();
        if (peek() == '}') {
            at++;
            return object;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a field name");
            }
            String name = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            object.set(name, value(depth + 1));
            skipWhitespace();
            if (peek() == '}') {
                at++;
                return object;
            }
            expect(',');
        }
    }

    private ArrayNode array(int depth) {
        ArrayNode array = NODES.arrayNode();
        at++;
        skipWhitespace();
        if (peek() == ']') {
            at++;
            return array;
        }
        while (true) {
            skipWhitespace();
            array.add(value(depth + 1));
            skipWhitespace();
            if (peek() == ']') {
                at++;
                return array;
            }
            expect(',');
        }
    }

    private String string() {
        at++;
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = peek();
            at++;
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("unescaped control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escaped = peek();
            at++;
            switch (escaped) {
                case '"', '\\', '/' -> out.append(escaped);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append(unicode());
                default -> throw error("bad escape \\" + escaped);
            }
        }
    }

    private char unicode() {
        if (at + 4 > text.length()) {
            throw error("unfinished \\u escape");
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(at++), 16);
            if (digit < 0) {
                throw error("bad \\u escape");
            }
            code = code * 16 + digit;
        }
        return (char) code;
    }

    private JsonNode number() {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        if (peek() == '0') {
            at++;
        } else {
            digits();
        }
        boolean integral = true;
        if (at < text.length() && text.charAt(at) == '.') {
            at++;
            digits();
            integral = false;
        }
        if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
            at++;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            digits();
            integral = false;
        }
        return JsonNumbers.node(text.substring(start, at), integral);
    }

    private void digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        if (at == start) {
            throw error("expected a digit");
        }
    }

    private void word(String word) {
        if (!text.startsWith(word, at)) {
            throw error("expected " + word);
        }
        at += word.length();
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private char peek() {
        if (at >= text.length()) {
            throw error("unexpected end of JSON");
        }
        return text.charAt(at);
    }

    private void skipWhitespace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + at + " of the JSON");
    }
}
