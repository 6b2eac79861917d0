package io.taskfork.shared.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** README, "Recurring tasks": cron times on the zone's wall clock, across both daylight-saving changes. */
class RecurrenceTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void cronTimesKeepTheWallClockOfTheZoneAcrossDaylightSavingChanges() {
        CronRecurrence nine = CronRecurrence.parse("0 9 * * *", "Europe/Berlin");

        // Berlin moves to summer time on 2026-03-29 and back on 2026-10-25: 09:00 stays 09:00 there
        assertThat(times(nine, "2026-03-27T12:00:00Z", 3)).containsExactly(
                "2026-03-28T09:00+01:00", "2026-03-29T09:00+02:00", "2026-03-30T09:00+02:00");
        assertThat(times(nine, "2026-10-23T12:00:00Z", 3)).containsExactly(
                "2026-10-24T09:00+02:00", "2026-10-25T09:00+01:00", "2026-10-26T09:00+01:00");
    }

    @Test
    void aWallClockTimeTheClocksSkipDoesNotComeAndOneTheyPassTwiceComesOnce() {
        // on 2026-03-29 Berlin's clocks go from 02:00 to 03:00: there is no 02:30 that day
        assertThat(times(CronRecurrence.parse("30 2 * * *", "Europe/Berlin"), "2026-03-28T12:00:00Z", 2))
                .containsExactly("2026-03-30T02:30+02:00", "2026-03-31T02:30+02:00");
        assertThat(times(CronRecurrence.parse("30 1-3 * * *", "Europe/Berlin"), "2026-03-28T12:00:00Z", 3))
                .containsExactly("2026-03-29T01:30+01:00", "2026-03-29T03:30+02:00", "2026-03-30T01:30+02:00");
        // on 2026-10-25 they go from 03:00 back to 02:00: 02:30 comes once, the first time
        assertThat(times(CronRecurrence.parse("30 2 * * *", "Europe/Berlin"), "2026-10-24T12:00:00Z", 2))
                .containsExactly("2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00");
        CronRecurrence hourly = CronRecurrence.parse("30 1-3 * * *", "Europe/Berlin");
        assertThat(times(hourly, "2026-10-24T12:00:00Z", 4)).containsExactly("2026-10-25T01:30+02:00",
                "2026-10-25T02:30+02:00", "2026-10-25T03:30+01:00", "2026-10-26T01:30+01:00");
        // walking back over missed times reads the same
        assertThat(hourly.due(Instant.parse("2026-10-24T23:30:00Z"), Instant.parse("2026-10-25T03:00:00Z"), 10)
                .times()).extracting(time -> time.atZone(BERLIN).toOffsetDateTime().toString())
                .containsExactly("2026-10-25T01:30+02:00", "2026-10-25T02:30+02:00", "2026-10-25T03:30+01:00");
    }

    @Test
    void dueTimesAreTheLatestOnesUpToTheMostAskedFor() {
        EveryRecurrence every = new EveryRecurrence(Duration.ofSeconds(5));
        Instant from = Instant.parse("2026-01-01T00:00:00Z");

        Recurrence.Due due = every.due(from, from.plusSeconds(22), 3);

        assertThat(due.times()).containsExactly(from.plusSeconds(10), from.plusSeconds(15), from.plusSeconds(20));
        assertThat(due.cut()).isTrue();
        assertThat(due.next()).isEqualTo(from.plusSeconds(25));
        Recurrence.Due year = every.due(from, from.plus(Duration.ofDays(365)), 1000);
        assertThat(year.times()).hasSize(1000);
        assertThat(year.latest()).isEqualTo(from.plus(Duration.ofDays(365)));

        CronRecurrence minutely = CronRecurrence.parse("* * * * *", "UTC");
        Recurrence.Due minutes = minutely.due(from, from.plusSeconds(150), 10);
        assertThat(minutes.times()).containsExactly(from, from.plusSeconds(60), from.plusSeconds(120));
        assertThat(minutes.cut()).isFalse();
        assertThat(minutes.next()).isEqualTo(from.plusSeconds(180));
    }

    @Test
    void badExpressionsZonesAndIntervalsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> CronRecurrence.parse("61 * * * *", "UTC"))
                .hasMessageStartingWith("invalid --cron \"61 * * * *\": ").hasMessageContaining("61 not in range");
        assertThatThrownBy(() -> CronRecurrence.parse("0 0 9 * * ?", "UTC")).hasMessageContaining("6 parts");
        assertThatThrownBy(() -> CronRecurrence.parse("0 0 31 4 *", "UTC"))
                .hasMessage("invalid --cron \"0 0 31 4 *\": it names no time that ever comes (such as 30 February)");
        assertThatThrownBy(() -> CronRecurrence.parse("0 9 * * *", "Europe/Atlantis"))
                .hasMessage("invalid --zone Europe/Atlantis: expected a zone such as Europe/Berlin or UTC");
        assertThatThrownBy(() -> new EveryRecurrence(Duration.ofMillis(500)))
                .hasMessage("invalid --every 500ms: expected at least 1s and at most 87600h");
        assertThatThrownBy(() -> EveryRecurrence.requested(Duration.ofHours(99_999_999)))
                .hasMessage("invalid --every 99999999h: expected at least 1s and at most 87600h");
    }

    @Test
    void aDayOfWeekRangeFromSundayByNameIsTheRangeFromZero() {
        // 2026-12-05 is a Saturday
        assertThat(times(CronRecurrence.parse("0 9 * * sun-tue", "Europe/Berlin"), "2026-12-05T12:00:00Z", 4))
                .containsExactly("2026-12-06T09:00+01:00", "2026-12-07T09:00+01:00", "2026-12-08T09:00+01:00",
                        "2026-12-13T09:00+01:00");
        assertThat(CronRecurrence.parse("0 9 * * SUN-SAT", "UTC").text()).isEqualTo("cron 0 9 * * 0-6");
        assertThat(CronRecurrence.parse("0 9 * * MON,SUN-TUE", "UTC").text()).isEqualTo("cron 0 9 * * 1,0-2");
        // Sunday to Sunday is Sunday, not every day from 0 to 7
        assertThat(times(CronRecurrence.parse("0 9 * * sun-sun", "Europe/Berlin"), "2026-12-05T12:00:00Z", 2))
                .containsExactly("2026-12-06T09:00+01:00", "2026-12-13T09:00+01:00");
    }

    private static List<String> times(Recurrence recurrence, String from, int count) {
        List<String> times = new ArrayList<>();
        Instant time = Instant.parse(from);
        for (int i = 0; i < count; i++) {
            time = recurrence.first(time);
            times.add(OffsetDateTime.ofInstant(time, BERLIN).toString());
        }
        return times;
    }
}
