package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The console's readable figures, at each unit's edges. */
class FormatsTest {
  @Test
  void durationsUseTheTwoLargestUnits() {
    assertThat(Formats.duration(0)).isEqualTo("0 s");
    assertThat(Formats.duration(59)).isEqualTo("59 s");
    assertThat(Formats.duration(60)).isEqualTo("1 min 0 s");
    assertThat(Formats.duration(3599)).isEqualTo("59 min 59 s");
    assertThat(Formats.duration(3600)).isEqualTo("1 h 0 min");
    assertThat(Formats.duration(86_399)).isEqualTo("23 h 59 min");
    assertThat(Formats.duration(86_400)).isEqualTo("1 d 0 h");
    assertThat(Formats.duration(-90)).isEqualTo("-1 min 30 s");
  }

  @Test
  void secondsKeepATenthUnderAMinute() {
    assertThat(Formats.seconds(0.04)).isEqualTo("0.0 s");
    assertThat(Formats.seconds(12.34)).isEqualTo("12.3 s");
    assertThat(Formats.seconds(61.9)).isEqualTo("1 min 1 s");
  }

  @Test
  void sizesUseBinaryUnits() {
    assertThat(Formats.bytes(0)).isEqualTo("0 B");
    assertThat(Formats.bytes(1023)).isEqualTo("1023 B");
    assertThat(Formats.bytes(1024)).isEqualTo("1.0 KiB");
    assertThat(Formats.bytes(1536L * 1024)).isEqualTo("1.5 MiB");
    assertThat(Formats.bytes(5L << 40)).isEqualTo("5.0 TiB");
    assertThat(Formats.bytes(-2048)).isEqualTo("-2.0 KiB");
  }

  @Test
  void sharesArePercentagesAndMomentsAreUtc() {
    assertThat(Formats.percent(0.992)).isEqualTo("99.2 %");
    assertThat(Formats.percent(1)).isEqualTo("100.0 %");
    assertThat(Formats.instant(Instant.parse("2026-12-05T23:59:58.900Z")))
        .isEqualTo("2026-12-05 23:59:58 UTC");
  }
}
