package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DrainTest {

    private final ExecutorService workers = Executors.newSingleThreadExecutor();
    private final CountDownLatch taskEnds = new CountDownLatch(1);

    @AfterEach
    void endTheTask() {
        taskEnds.countDown();
        workers.shutdownNow();
    }

    @Test
    void workersThatFinishWithinTheGraceAreDrained() throws Exception {
        workers.execute(() -> sleep(200));
        workers.shutdown();

        assertThat(Drain.finished(workers, Duration.ofSeconds(10), new CountDownLatch(1))).isTrue();
    }

    @Test
    void aTaskLongerThanTheGraceIsNotDrainedOnceTheGraceIsOver() throws Exception {
        workers.execute(this::untilEnded);
        workers.shutdown();
        long start = System.nanoTime();

        assertThat(Drain.finished(workers, Duration.ofMillis(300), new CountDownLatch(1))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(300), Duration.ofSeconds(2));
    }

    @Test
    void aSecondRequestEndsTheWaitLongBeforeTheGrace() throws Exception {
        workers.execute(this::untilEnded);
        workers.shutdown();
        CountDownLatch hurry = new CountDownLatch(1);
        new Thread(() -> {
            sleep(300);
            hurry.countDown();
        }).start();
        long start = System.nanoTime();

        assertThat(Drain.finished(workers, Duration.ofMinutes(10), hurry)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    private void untilEnded() {
        try {
            taskEnds.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
