package org.pghardstorage.ejb.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ejb.ScheduleExpression;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.HardstorageException;

class CronScheduleTest {
  @Test
  void fiveCronFieldsBecomeACalendarExpressionAtSecondZero() {
    ScheduleExpression e = CronSchedule.parse("backupSchedule", " 30 2 * * 1-5 ");

    assertThat(e.getSecond()).isEqualTo("0");
    assertThat(e.getMinute()).isEqualTo("30");
    assertThat(e.getHour()).isEqualTo("2");
    assertThat(e.getDayOfMonth()).isEqualTo("*");
    assertThat(e.getMonth()).isEqualTo("*");
    assertThat(e.getDayOfWeek()).isEqualTo("1-5");
  }

  @Test
  void stepsAndListsAreAccepted() {
    ScheduleExpression e = CronSchedule.parse("verifySchedule", "*/15 0,12 1 1-6,9 0");

    assertThat(e.getMinute()).isEqualTo("*/15");
    assertThat(e.getHour()).isEqualTo("0,12");
    assertThat(e.getMonth()).isEqualTo("1-6,9");
  }

  @Test
  void stepsOutsideMinuteAndHourAndOutOfRangeValuesAreRefused() {
    assertThatThrownBy(() -> CronSchedule.parse("verifySchedule", "0 0 1 */2 *"))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("month field '*/2'");
    assertThatThrownBy(() -> CronSchedule.parse("verifySchedule", "0 24 * * *"))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("hour field '24': 24 is outside 0-23");
    assertThatThrownBy(() -> CronSchedule.parse("verifySchedule", "*/0 * * * *"))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("at least 1");
  }

  @Test
  void occurrencesCountWhatWasDueInAStretch() {
    Instant after = Instant.parse("2026-12-01T02:29:00Z");
    Instant until = Instant.parse("2026-12-04T02:30:00Z");

    CronSchedule.Due daily = CronSchedule.occurrences("30 2 * * *", after, until, ZoneOffset.UTC);
    assertThat(daily.count()).isEqualTo(4);
    assertThat(daily.first()).isEqualTo(Instant.parse("2026-12-01T02:30:00Z"));
    assertThat(daily.last()).isEqualTo(until);

    // exclusive of the start: what was handled at 02:30 is not due again
    assertThat(
            CronSchedule.occurrences(
                    "30 2 * * *", Instant.parse("2026-12-01T02:30:00Z"), until, ZoneOffset.UTC)
                .count())
        .isEqualTo(3);
    assertThat(CronSchedule.occurrences("*/15 * * * *", after, until, ZoneOffset.UTC).count())
        .isEqualTo(3 * 24 * 4 + 1);
    assertThat(CronSchedule.occurrences("0 0 * * *", after, after.plusSeconds(60), ZoneOffset.UTC))
        .isEqualTo(new CronSchedule.Due(0, null, null));
  }

  @Test
  void dayOfMonthAndDayOfWeekBothRestrictedMatchEither() {
    // 2026-12-01 is a Tuesday; the 1st or any Sunday (0 and 7 alike)
    Instant after = Instant.parse("2026-11-30T12:00:00Z");
    Instant until = Instant.parse("2026-12-14T12:00:00Z");
    CronSchedule.Due due = CronSchedule.occurrences("0 12 1 * 7", after, until, ZoneOffset.UTC);

    assertThat(due.count()).isEqualTo(3); // Tue 1st, Sun 6th, Sun 13th
    assertThat(due.first()).isEqualTo(Instant.parse("2026-12-01T12:00:00Z"));
    assertThat(due.last()).isEqualTo(Instant.parse("2026-12-13T12:00:00Z"));
    assertThat(CronSchedule.occurrences("0 12 * * 1-5", after, until, ZoneOffset.UTC).count())
        .as("weekdays only")
        .isEqualTo(10);
  }

  @Test
  void occurrencesFollowTheServersZoneAcrossDaylightSaving() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    // 2026-03-29: 02:00-03:00 does not exist in Berlin
    CronSchedule.Due due =
        CronSchedule.occurrences(
            "30 1 * * *",
            Instant.parse("2026-03-27T12:00:00Z"),
            Instant.parse("2026-03-30T12:00:00Z"),
            berlin);
    assertThat(due.count()).isEqualTo(3);
    assertThat(due.last()).isEqualTo(Instant.parse("2026-03-29T23:30:00Z"));
  }

  @Test
  void anythingElseIsAUsageErrorNamingTheField() {
    assertThatThrownBy(() -> CronSchedule.parse("backupSchedule", "0 2 * *"))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("4 fields");
    assertThatThrownBy(() -> CronSchedule.parse("rotateSchedule", "0 2 * * MON"))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("rotateSchedule")
        .hasMessageContaining("'MON'");
  }
}
