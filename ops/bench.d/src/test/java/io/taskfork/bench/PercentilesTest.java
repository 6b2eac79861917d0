package io.taskfork.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOfOneToHundred() {
        double[] values = IntStream.rangeClosed(1, 100).map(i -> 101 - i).asDoubleStream().toArray();

        assertThat(Percentiles.of(values)).isEqualTo(new Percentiles(50, 95, 99));
    }

    @Test
    void fewValuesTakeTheNearestRankAbove() {
        assertThat(Percentiles.of(new double[] {3, 1, 2})).isEqualTo(new Percentiles(2, 3, 3));
        assertThat(Percentiles.of(new double[] {7})).isEqualTo(new Percentiles(7, 7, 7));
    }

    @Test
    void noValuesHaveNoPercentiles() {
        assertThatThrownBy(() -> Percentiles.of(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
