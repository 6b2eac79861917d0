package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartFailuresTest {

    @Test
    void eachFailedStartInARowWaitsTwiceAsLongUpToThirtySecondsAndAStartEndsTheRow() {
        StartFailures failures = new StartFailures();
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waits.add(failures.failed());
        }
        failures.started();

        assertThat(waits).extracting(Duration::toSeconds).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
        assertThat(failures.failed()).isEqualTo(Duration.ofSeconds(1));
    }
}
