package io.taskfork.producer.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConfirmationTest {

    private final ByteArrayOutputStream prompt = new ByteArrayOutputStream();

    @Test
    void yesOrYConfirms() throws IOException {
        assertThat(ask("y\n")).isTrue();
        assertThat(ask(" YES \n")).isTrue();
    }

    @Test
    void anythingElseOrNoAnswerAtAllDeclines() throws IOException {
        assertThat(ask("\n")).isFalse();
        assertThat(ask("n\n")).isFalse();
        assertThat(ask("yeah\n")).isFalse();
        assertThat(ask("")).isFalse();
    }

    @Test
    void theQuestionNamesTheDefault() throws IOException {
        ask("n\n");

        assertThat(prompt.toString(StandardCharsets.UTF_8)).isEqualTo("purge 3 messages from q.dead? [y/N] ");
    }

    private boolean ask(String answer) throws IOException {
        prompt.reset();
        return new Confirmation(new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(prompt, true, StandardCharsets.UTF_8)).ask("purge 3 messages from q.dead?");
    }
}
