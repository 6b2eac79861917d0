package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RepeatingLookTest {

    private static final long LONG_MS = 60_000;

    @Test
    void aLookComesAfterTheDelayTheLastReturnedOrAtOnceWhenWoken() throws Exception {
        BlockingQueue<Long> looks = new LinkedBlockingQueue<>();
        try (RepeatingLook repeating = new RepeatingLook("test-look", () -> {
            looks.add(System.nanoTime());
            return LONG_MS;
        })) {
            assertThat(looks.poll(5, TimeUnit.SECONDS)).as("the first look, at once").isNotNull();
            assertThat(looks.poll(200, TimeUnit.MILLISECONDS)).as("none before its delay").isNull();

            repeating.wake();
            assertThat(looks.poll(5, TimeUnit.SECONDS)).as("woken").isNotNull();

            long asked = System.nanoTime();
            repeating.lookWithin(300);
            repeating.lookWithin(LONG_MS * 2);
            Long next = looks.poll(5, TimeUnit.SECONDS);
            assertThat(next).isNotNull();
            assertThat(TimeUnit.NANOSECONDS.toMillis(next - asked)).isBetween(250L, 3_000L);
            assertThat(looks.poll(200, TimeUnit.MILLISECONDS)).as("one look for two asks").isNull();
        }
    }

    @Test
    void aWakeDuringALookBringsTheNextToItsEndAndALookThatThrowsIsTriedAgain() throws Exception {
        CountDownLatch inLook = new CountDownLatch(1);
        CountDownLatch woken = new CountDownLatch(1);
        BlockingQueue<Integer> looks = new LinkedBlockingQueue<>();
        int[] count = {0};
        try (RepeatingLook repeating = new RepeatingLook("test-look", () -> {
            int mine = ++count[0];
            looks.add(mine);
            if (mine == 1) {
                inLook.countDown();
                await(woken);
            }
            if (mine == 3) {
                throw new IllegalStateException("a look that fails");
            }
            return LONG_MS;
        })) {
            assertThat(inLook.await(5, TimeUnit.SECONDS)).isTrue();
            repeating.wake();
            woken.countDown();
            assertThat(looks.poll(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(looks.poll(5, TimeUnit.SECONDS)).as("woken during the first").isEqualTo(2);
            repeating.wake();
            assertThat(looks.poll(5, TimeUnit.SECONDS)).isEqualTo(3);
            assertThat(looks.poll(5, TimeUnit.SECONDS)).as("after the one that threw").isEqualTo(4);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
