package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

class TimeExpressionsTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-30T03:00:00Z"), ZoneOffset.UTC);

  @Test
  void readsRfc3339AndPostgresStyle() {
    assertThat(TimeExpressions.parse("2026-11-30T02:40:00Z", clock))
        .isEqualTo(Instant.parse("2026-11-30T02:40:00Z"));
    assertThat(TimeExpressions.parse("2026-11-30 02:40:00+00", clock))
        .isEqualTo(Instant.parse("2026-11-30T02:40:00Z"));
    assertThat(TimeExpressions.parse("2026-11-30 04:40:00.123456+02:00", clock))
        .isEqualTo(Instant.parse("2026-11-30T02:40:00.123456Z"));
    assertThat(TimeExpressions.parse("2026-11-30 02:40", clock))
        .isEqualTo(Instant.parse("2026-11-30T02:40:00Z"));
  }

  @Test
  void readsPhrases() {
    assertThat(TimeExpressions.parse("5 minutes ago", clock))
        .isEqualTo(Instant.parse("2026-11-30T02:55:00Z"));
    assertThat(TimeExpressions.parse("2h ago", clock))
        .isEqualTo(Instant.parse("2026-11-30T01:00:00Z"));
    assertThat(TimeExpressions.parse("now", clock)).isEqualTo(clock.instant());
  }

  @Test
  void rejectsNonsenseWithAUsageError() {
    assertThatThrownBy(() -> TimeExpressions.parse("yesterday-ish", clock))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.getMessage()).contains("yesterday-ish");
            });
  }
}
