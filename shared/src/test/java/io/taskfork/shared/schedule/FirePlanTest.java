package io.taskfork.shared.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** README, "Recurring tasks": what a look at a due schedule makes, on time and after a gap. */
class FirePlanTest {

    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Recurrence EVERY_MINUTE = new EveryRecurrence(Duration.ofMinutes(1));

    @Test
    void aScheduleSeenOnTimeMakesOneTaskWhateverItsCatchUp() {
        for (CatchUp catchUp : CatchUp.values()) {
            FirePlan plan = FirePlan.of(EVERY_MINUTE, catchUp, FROM, FROM.plusMillis(300));

            assertThat(plan.fireTimes()).as(catchUp.value()).containsExactly(FROM);
            assertThat(plan.next()).isEqualTo(FROM.plusSeconds(60));
            assertThat(plan.missed()).isFalse();
        }
    }

    @Test
    void missedTimesMakeNothingOneTaskOrATaskEach() {
        Instant now = FROM.plus(Duration.ofMinutes(10)).plusSeconds(40);

        FirePlan none = FirePlan.of(EVERY_MINUTE, CatchUp.NONE, FROM, now);
        FirePlan one = FirePlan.of(EVERY_MINUTE, CatchUp.ONE, FROM, now);
        FirePlan all = FirePlan.of(EVERY_MINUTE, CatchUp.ALL, FROM, now);

        assertThat(none.fireTimes()).isEmpty();
        assertThat(one.fireTimes()).containsExactly(FROM.plus(Duration.ofMinutes(10)));
        assertThat(all.fireTimes()).hasSize(11).startsWith(FROM).endsWith(FROM.plus(Duration.ofMinutes(10)));
        for (FirePlan plan : new FirePlan[] {none, one, all}) {
            assertThat(plan.next()).isEqualTo(FROM.plus(Duration.ofMinutes(11)));
            assertThat(plan.missed()).isTrue();
            assertThat(plan.cut()).isFalse();
        }
    }

    /** Ten times missed and the latest on time as the look comes: none and one make only that one. */
    @Test
    void missedTimesBeforeOneOnTimeMakeOnlyItWithCatchUpNoneOrOne() {
        Instant now = FROM.plus(Duration.ofMinutes(10)).plusSeconds(10);
        Instant onTime = FROM.plus(Duration.ofMinutes(10));

        assertThat(FirePlan.of(EVERY_MINUTE, CatchUp.NONE, FROM, now).fireTimes()).containsExactly(onTime);
        assertThat(FirePlan.of(EVERY_MINUTE, CatchUp.ONE, FROM, now).fireTimes()).containsExactly(onTime);
        assertThat(FirePlan.of(EVERY_MINUTE, CatchUp.ALL, FROM, now).fireTimes()).hasSize(11).endsWith(onTime);
        assertThat(FirePlan.of(EVERY_MINUTE, CatchUp.NONE, FROM, now).missed()).isTrue();
    }

    @Test
    void catchingUpEveryMissedTimeStopsAtTheLatestThousand() {
        FirePlan all = FirePlan.of(EVERY_MINUTE, CatchUp.ALL, FROM, FROM.plus(Duration.ofDays(30)));

        assertThat(all.fireTimes()).hasSize(FirePlan.MOST_MISSED).endsWith(FROM.plus(Duration.ofDays(30)));
        assertThat(all.cut()).isTrue();
    }

    @Test
    void aTimeLaterThanHalfItsPeriodOrAMinuteIsMissedAndWithCatchUpNoneMakesNothing() {
        Recurrence everyFive = new EveryRecurrence(Duration.ofSeconds(5));
        assertThat(FirePlan.of(everyFive, CatchUp.NONE, FROM, FROM.plusMillis(2500)).fireTimes()).containsExactly(FROM);
        assertThat(FirePlan.of(everyFive, CatchUp.NONE, FROM, FROM.plusMillis(2600)).fireTimes()).isEmpty();
        assertThat(FirePlan.of(EVERY_MINUTE, CatchUp.NONE, FROM, FROM.plusSeconds(29)).fireTimes()).containsExactly(FROM);
        assertThat(FirePlan.of(EVERY_MINUTE, CatchUp.NONE, FROM, FROM.plusSeconds(31)).fireTimes()).isEmpty();

        Recurrence daily = CronRecurrence.parse("0 0 * * *", "UTC");
        assertThat(FirePlan.of(daily, CatchUp.NONE, FROM, FROM.plusSeconds(50)).fireTimes()).containsExactly(FROM);
        FirePlan late = FirePlan.of(daily, CatchUp.NONE, FROM, FROM.plusSeconds(61));
        assertThat(late.fireTimes()).isEmpty();
        assertThat(late.next()).isEqualTo(FROM.plus(Duration.ofDays(1)));
    }
}
