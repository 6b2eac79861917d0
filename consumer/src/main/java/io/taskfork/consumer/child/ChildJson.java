package io.taskfork.consumer.child;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.shared.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON on the child's side, with a reader of its own ({@link JsonReader}), jackson-core's streaming
 * generator and databind's tree nodes only. Building an {@code ObjectMapper} costs a fresh JVM about 0.1 CPU-seconds (date formats,
 * locale data, type and serializer tables): more than the rest of a child's start together. So a
 * child builds one only when its handler returns an object of its own or calls {@code payloadAs}.
 * Numbers keep their value: ints, longs and big integers by size, others as doubles where a double
 * holds them and as {@code BigDecimal}s where it does not.
 */
public final class ChildJson {

    // Doubles in their shortest form: JDK 17's Double.toString gives some with digits of its own
    // (2.82879384806159E17 as 2.82879384806159008E17), another number than the payload held.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ChildJson() {
    }

    /** Parses one JSON value, refusing trailing tokens as {@link Json#parse} does; see {@link JsonReader}. */
    public static JsonNode parse(String text) {
        return JsonReader.read(text);
    }

    /** One line of the protocol: {@code node} as compact JSON and a newline, in UTF-8. */
    static byte[] line(JsonNode node) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(bytes)) {
            write(generator, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    /**
     * A handler's result as a tree. JSON trees, strings, numbers, booleans, and maps and lists of
     * them are converted here; anything else goes through databind, as before.
     */
    static JsonNode toTree(Object value) {
        return toTree(value, 0);
    }

    /** {@code depth}: how many maps and lists hold {@code value}. */
    private static JsonNode toTree(Object value, int depth) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof String text) {
            return NODES.textNode(text);
        }
        if (value instanceof Boolean flag) {
            return NODES.booleanNode(flag);
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).intValue());
        }
        if (value instanceof Long number) {
            return NODES.numberNode(number.longValue());
        }
        if (value instanceof BigInteger number) {
            return NODES.numberNode(number);
        }
        if (value instanceof BigDecimal number) {
            return NODES.numberNode(Json.writtenOutFits(number));
        }
        if (value instanceof Double number && Double.isFinite(number)) {
            return NODES.numberNode(number.doubleValue());
        }
        if (value instanceof Float number && Float.isFinite(number)) {
            return NODES.numberNode(number.floatValue());
        }
        // Loops, not lambdas: see ChildMain on what the first lambda costs a child.
        if (value instanceof Map<?, ?> map && hasTextKeys(map)) {
            refuseDeeperThanWritten(depth);
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                object.set((String) entry.getKey(), toTree(entry.getValue(), depth + 1));
            }
            return object;
        }
        // A Path is Iterable over Paths, each of which is one too: databind writes it as its URI.
        if (value instanceof Iterable<?> elements && !(value instanceof Map<?, ?>) && !(value instanceof Path)) {
            refuseDeeperThanWritten(depth);
            ArrayNode array = NODES.arrayNode();
            for (Object element : elements) {
                array.add(toTree(element, depth + 1));
            }
            return array;
        }
        return Json.MAPPER.valueToTree(value);
    }

    // Counted, not left to the stack: how deep a stack overflows depends on how much of toTree the
    // JIT has compiled, so a result 5000 lists deep was refused as too deep at one run and not another.
    private static void refuseDeeperThanWritten(int depth) {
        if (depth >= JsonReader.MAX_DEPTH) {
            throw new IllegalArgumentException("its nesting depth exceeds " + JsonReader.MAX_DEPTH
                    + ", the most JSON is written with (a map or list that holds itself has no end)");
        }
    }

    private static boolean hasTextKeys(Map<?, ?> map) {
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                return false;
            }
        }
        return true;
    }

    private static void write(JsonGenerator generator, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                generator.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    generator.writeFieldName(field.getKey());
                    write(generator, field.getValue());
                }
                generator.writeEndObject();
            }
            case ARRAY -> {
                generator.writeStartArray();
                for (JsonNode element : node) {
                    write(generator, element);
                }
                generator.writeEndArray();
            }
            case STRING -> generator.writeString(node.textValue());
            case NUMBER -> writeNumber(generator, node);
            case BOOLEAN -> generator.writeBoolean(node.booleanValue());
            case NULL, MISSING -> generator.writeNull();
            case BINARY -> generator.writeBinary(node.binaryValue());
            // a POJO node holds an object of a handler's own: databind writes it
            case POJO -> generator.writeRawValue(Json.write(node));
        }
    }

    private static void writeNumber(JsonGenerator generator, JsonNode node) throws IOException {
        switch (node.numberType()) {
            case INT -> generator.writeNumber(node.intValue());
            case LONG -> generator.writeNumber(node.longValue());
            case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
            case FLOAT -> generator.writeNumber(finite(node.floatValue()));
            case DOUBLE -> generator.writeNumber(finite(node.doubleValue()));
            default -> generator.writeNumber(node.decimalValue());
        }
    }

    // JSON has no number for them: written as a string, as databind does by default, a result would
    // change a number into text without a word.
    private static double finite(double number) {
        if (!Double.isFinite(number)) {
            throw new IllegalArgumentException("it holds " + number + ", which JSON has no number for");
        }
        return number;
    }

    private static float finite(float number) {
        finite((double) number);
        return number;
    }
}
