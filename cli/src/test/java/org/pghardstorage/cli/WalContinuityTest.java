package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pghardstorage.cli.DoctorCommand.Finding;
import org.pghardstorage.cli.WalContinuity.Streamer;
import org.pghardstorage.core.status.DeploymentSummary;

/**
 * {@code doctor}'s WAL continuity verdict says what the operator can do: a host without a streamer
 * whose backups left gaps between them is warned to start one (not failed forever with a fix that
 * does not clear it), and passes once a streamer runs; a gap the newest backup needs fails.
 */
class WalContinuityTest {
  private static final String BETWEEN =
      "1:000000010000000000000022..000000010000000000000023 missing";
  private static final String AFTER =
      "1:000000010000000000000026..000000010000000000000026 missing";

  private static DeploymentSummary summary(List<String> gaps, List<String> newestNeeds) {
    return new DeploymentSummary(
        "db1",
        2,
        "20261130T110000Z-bbbbbb",
        null,
        60L,
        "0/2500100",
        "20261130T100000Z-aaaaaa",
        1L,
        "000000010000000000000025",
        false,
        null,
        30L,
        gaps,
        newestNeeds);
  }

  private static Finding verdict(DeploymentSummary s, Streamer streamer) {
    return WalContinuity.verdict("deployment db1", "db1", s, streamer);
  }

  @Test
  void gapsBetweenBackupsWithoutAStreamerAreAWarningToStartOne() {
    for (Streamer notUp : List.of(Streamer.DOWN, Streamer.UNKNOWN)) {
      Finding f = verdict(summary(List.of(BETWEEN), List.of()), notUp);
      assertThat(f.status()).isEqualTo("WARN");
      assertThat(f.detail())
          .contains(BETWEEN)
          .contains("point-in-time recovery is possible only from 20261130T110000Z-bbbbbb onward");
      assertThat(f.suggestion())
          .contains("start the WAL streamer (pg_hardstorage wal stream db1")
          .contains("pg_hardstorage-wal-stream@db1")
          .doesNotContain("new base backup");
    }
  }

  @Test
  void gapsBetweenBackupsPassOnceTheStreamerRuns() {
    Finding f = verdict(summary(List.of(BETWEEN), List.of()), Streamer.UP);
    assertThat(f.status()).isEqualTo("PASS");
    assertThat(f.detail()).contains("no gap since the newest backup").contains(BETWEEN);
  }

  @Test
  void aGapTheNewestBackupNeedsFailsWhateverTheStreamer() {
    for (Streamer any : Streamer.values()) {
      Finding f = verdict(summary(List.of(BETWEEN, AFTER), List.of(AFTER)), any);
      assertThat(f.status()).isEqualTo("FAIL");
      assertThat(f.detail()).contains(AFTER).doesNotContain(BETWEEN);
      assertThat(f.suggestion()).contains("take a new base backup (pg_hardstorage backup db1)");
    }
  }

  @Test
  void noGapsPassAndNoWalSaysNothing() {
    assertThat(verdict(summary(List.of(), List.of()), Streamer.DOWN).status()).isEqualTo("PASS");
    DeploymentSummary nothing =
        new DeploymentSummary(
            "db1", 0, null, null, null, null, null, null, null, false, null, null, List.of(),
            List.of());
    assertThat(verdict(nothing, Streamer.DOWN)).isNull();
  }
}
