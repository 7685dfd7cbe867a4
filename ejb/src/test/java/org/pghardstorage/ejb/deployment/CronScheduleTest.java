package org.pghardstorage.ejb.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ejb.ScheduleExpression;
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
    ScheduleExpression e = CronSchedule.parse("verifySchedule", "*/15 0,12 1 */2 0");

    assertThat(e.getMinute()).isEqualTo("*/15");
    assertThat(e.getHour()).isEqualTo("0,12");
    assertThat(e.getMonth()).isEqualTo("*/2");
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
