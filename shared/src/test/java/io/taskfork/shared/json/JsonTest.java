package io.taskfork.shared.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {

    /** A payload is recorded with the numbers its sender wrote: the nearest double would lose cents or overflow. */
    @Test
    void numbersKeepTheValueTheyWereWrittenWith() {
        for (String number : List.of("12345678901234567.89", "0.1000000000000000055511151231257827", "1e400",
                "-1e400", "4.9e-324", "1e-400", "0.5", "100.0", "-1.50E+3")) {
            JsonNode parsed = Json.parse("{\"n\":" + number + "}").get("n");

            assertThat(parsed.decimalValue()).as(number).isEqualByComparingTo(new BigDecimal(number));
            assertThat(new BigDecimal(Json.write(parsed))).as(number).isEqualByComparingTo(new BigDecimal(number));
        }
        String kept = "[100.0,3,12345678901234567890123]";
        assertThat(Json.write(Json.parse(kept))).isEqualTo(kept);
    }

    /** PostgreSQL writes a number out in full, and a row holding one of over 1000 characters could not be read. */
    @Test
    void aNumberTooLongWrittenOutIsRefusedNamingIt() {
        for (String number : List.of("1e1000", "-1e1000", "1e-1000", "1e990")) {
            assertThatThrownBy(() -> Json.parse("{\"n\":[" + number + "]}")).as(number)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("digits written out");
        }
        assertThat(Json.parse("[1e988, 1e-988]").get(0).decimalValue()).isEqualByComparingTo("1e988");
    }

    /** The line is for whoever wrote the JSON: it says what JSON has not, not which parser switch would allow it. */
    @Test
    void textThatIsNotJsonIsNamedInJsonsTermsNotTheParsersSwitches() {
        assertThatThrownBy(() -> Json.parse("{\"type\": \"echo\", \"delay\": NaN}"))
                .hasMessage("NaN is not a JSON number (at line 1, column 30)");
        assertThatThrownBy(() -> Json.parse("[-Infinity]")).hasMessageStartingWith("-Infinity is not a JSON number");
        assertThatThrownBy(() -> Json.parse("[+1]")).hasMessageContaining("a JSON number has no plus sign")
                .hasMessageNotContaining("enable");
        assertThatThrownBy(() -> Json.parse("{/* note */}")).hasMessageContaining("JSON has no comments")
                .hasMessageNotContaining("Feature");
    }
}
