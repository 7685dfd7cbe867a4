package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pghardstorage.core.repo.manifest.BackupStats;

class CountsTest {
  @Test
  void oneIsSingularEverythingElsePlural() {
    assertThat(Counts.of(1, "WAL segment")).isEqualTo("1 WAL segment");
    assertThat(Counts.of(0, "WAL segment")).isEqualTo("0 WAL segments");
    assertThat(Counts.of(2, "pack")).isEqualTo("2 packs");
  }

  @Test
  void aShareBelowOneNeverPrintsAsAHundredPercent() {
    // a backup of 40 MiB that stored 4 KiB new: most of it deduplicated, but not all
    BackupStats s = BackupStats.of(40L << 20, 4096, 1500, 10_000, 1);
    assertThat(s.dedupRatio()).isLessThan(1);
    assertThat(Counts.percent(s.dedupRatio())).isEqualTo("99.9%");
    assertThat(Counts.percent(0.9996)).isEqualTo("99.9%");
    assertThat(Counts.percent(1)).isEqualTo("100%");
  }

  @Test
  void aShareAboveZeroNeverPrintsAsZero() {
    assertThat(Counts.percent(0)).isEqualTo("0%");
    assertThat(Counts.percent(0.0004)).isEqualTo("<0.1%");
    assertThat(Counts.percent(0.357)).isEqualTo("35.7%");
    assertThat(Counts.percent(0.999)).isEqualTo("99.9%");
  }
}
