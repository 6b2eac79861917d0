package io.taskfork.consumer.child;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.taskfork.shared.json.Json;
import java.math.BigDecimal;
import java.math.BigInteger;

/** A JSON number's text as the tree node that keeps its value, for {@link JsonReader}. */
final class JsonNumbers {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonNumbers() {
    }

    /** Ints, longs and big integers by size; other numbers as doubles where that keeps their value, else decimals. */
    static JsonNode node(String number, boolean integral) {
        if (!integral) {
            double value = Double.parseDouble(number);
            // one the supervisor would refuse, as PostgreSQL writes it out, is refused where a command's line is read
            return keepsItsValue(number, value) ? NODES.numberNode(value)
                    : NODES.numberNode(Json.writtenOutFits(new BigDecimal(number)));
        }
        // 19 digits and a sign always fit a long's parse attempt; more go to BigInteger directly
        if (number.length() <= 20) {
            try {
                long value = Long.parseLong(number);
                return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
            } catch (NumberFormatException tooLarge) {
                // beyond a long: below
            }
        }
        return NODES.numberNode(new BigInteger(number));
    }

    /**
     * True when {@code value}'s shortest form is the number {@code number} wrote. A decimal of at most 15
     * significant digits in the range of normal doubles is the only one of its length or shorter that rounds to
     * its double, so {@link ChildJson}'s shortest writer gives its value back. Any other number becomes a
     * {@code BigDecimal}, whose first use costs a JVM on JDK 25 about 20 ms of CPU: paid only by the rare payload
     * that needs it.
     */
    private static boolean keepsItsValue(String number, double value) {
        int first = -1;
        int last = -1;
        int digit = 0;
        for (int i = 0; i < number.length() && Character.toLowerCase(number.charAt(i)) != 'e'; i++) {
            char c = number.charAt(i);
            if (c >= '0' && c <= '9') {
                if (c != '0') {
                    first = first < 0 ? digit : first;
                    last = digit;
                }
                digit++;
            }
        }
        if (first < 0) {
            return true;
        }
        double magnitude = Math.abs(value);
        return last - first < 15 && magnitude >= Double.MIN_NORMAL && magnitude <= Double.MAX_VALUE;
    }
}
