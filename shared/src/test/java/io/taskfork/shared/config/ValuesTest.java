package io.taskfork.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "500ms, PT0.5S",
        "30s,   PT30S",
        "10m,   PT10M",
        "1h,    PT1H",
        "PT2M,  PT2M",
        "pt90s, PT1M30S",
        "' 10M ', PT10M",
    })
    void durationIsParsedFromShortOrIsoForm(String text, String iso) {
        assertThat(Values.parseDuration(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "soon", "10", "10x", "1.5s", "m", "10 m"})
    void badDurationIsRefusedWithTheExpectedForms(String text) {
        assertThatThrownBy(() -> Values.parseDuration(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a duration such as 500ms, 30s, 10m or 1h");
    }

    /** A delay into the past or an expiry already gone: ISO-8601 can write one, taskfork takes none. */
    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"-5s", "PT-5S", "-PT5S", "pt-1h"})
    void aNegativeDurationIsRefusedSayingSo(String text) {
        assertThatThrownBy(() -> Values.parseDuration(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a duration is never negative, not " + text);
    }

    @Test
    void aDurationTooLongToReadSaysSo() {
        assertThatThrownBy(() -> Values.parseDuration("3000000000h"))
                .hasMessage("a duration of at most 999999999 of its unit (3000000000h has more digits than that)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"87601h", "99999999h", "P3651D", "PT2600000H"})
    void aDurationLongerThanTenYearsIsRefusedForWhatLaterBreaksOnIt(String text) {
        // a nanosecond count ends at 292 years: a grace or a timeout longer would overflow where it is waited for
        assertThatThrownBy(() -> Values.parseDuration(text))
                .hasMessage("a duration of at most 3650 days (87600h), not " + text);
    }

    @Test
    void tenYearsIsTheLongestDuration() {
        assertThat(Values.parseDuration("87600h")).isEqualTo(Values.LONGEST);
    }

    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource({
        "65536, 65536",
        "256k,  262144",
        "16m,   16777216",
        "1g,    1073741824",
        "16M,   16777216",
        "' 4k ', 4096",
    })
    void sizeIsParsedWithBinarySuffix(String text, long bytes) {
        assertThat(Values.parseSize(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "lots", "16mb", "1.5g", "-1", "16t", "k"})
    void badSizeIsRefusedWithTheExpectedForms(String text) {
        assertThatThrownBy(() -> Values.parseSize(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a size such as 65536, 256k, 16m or 1g");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"500ms", "1500ms", "30s", "90s", "10m", "1h", "25h"})
    void formatWritesTheShortFormItWasParsedFrom(String text) {
        assertThat(Values.format(Values.parseDuration(text))).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PT2M", "PT0.25S", "PT1H30M", "P1D", "PT61M"})
    void formattedDurationParsesBackToTheSameDuration(String iso) {
        Duration duration = Duration.parse(iso);

        assertThat(Values.parseDuration(Values.format(duration))).isEqualTo(duration);
    }

    @Test
    void formatUsesTheLargestWholeUnit() {
        assertThat(Values.format(Duration.ofMinutes(120))).isEqualTo("2h");
        assertThat(Values.format(Duration.ofSeconds(120))).isEqualTo("2m");
        assertThat(Values.format(Duration.ofMillis(2000))).isEqualTo("2s");
    }
}
