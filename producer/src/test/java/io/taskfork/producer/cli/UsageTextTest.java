package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UsageTextTest {

    @Test
    void lonePercentIsEscapedForPicocliFormatting() {
        assertThat(UsageText.escape(new String[] {"amqp://h:5672/%2F"})).containsExactly("amqp://h:5672/%%2F");
    }

    @Test
    void escapedPercentAndNewlineStayAsTheyAre() {
        assertThat(UsageText.escape(new String[] {"100%% done%n/%%2F"})).containsExactly("100%% done%n/%%2F");
    }

    @Test
    void escapedTextFormatsBackToTheOriginal() {
        String original = "default amqp://guest:guest@localhost:5672/%2F";

        assertThat(String.format(UsageText.escape(new String[] {original})[0])).isEqualTo(original);
    }
}
