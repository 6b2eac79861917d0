package io.taskfork.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CountedTest {

    @Test
    void oneIsSingularAndAnyOtherCountPlural() {
        assertThat(Counted.of(1, "message")).isEqualTo("1 message");
        assertThat(Counted.of(0, "finding")).isEqualTo("0 findings");
        assertThat(Counted.of(2, "dead letter")).isEqualTo("2 dead letters");
    }
}
