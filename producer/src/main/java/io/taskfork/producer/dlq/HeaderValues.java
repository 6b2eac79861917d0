package io.taskfork.producer.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** AMQP header values (LongString, Date, nested tables and arrays) as JSON, to show them as they are. */
final class HeaderValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private HeaderValues() {
    }

    /** The headers as one JSON object, sorted by name. */
    static ObjectNode of(Map<String, Object> headers) {
        ObjectNode object = NODES.objectNode();
        new TreeMap<>(headers).forEach((name, value) -> object.set(name, json(value)));
        return object;
    }

    static JsonNode json(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof Number number) {
            return NODES.numberNode(number.doubleValue());
        }
        if (value instanceof Date date) {
            return NODES.textNode(date.toInstant().toString());
        }
        if (value instanceof byte[] bytes) {
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(element -> array.add(json(element)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            new TreeMap<>(map).forEach((name, element) -> object.set(String.valueOf(name), json(element)));
            return object;
        }
        // LongString and anything else the client hands over reads as text
        return NODES.textNode(value.toString());
    }
}
