package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pghardstorage.core.repo.manifest.LsnText;

class WalSegmentNamesTest {
  private static final int MB16 = 16 << 20;

  @Test
  void namesFollowPostgresql() {
    assertThat(WalSegmentNames.name(1, 2, MB16)).isEqualTo("000000010000000000000002");
    // 16 MiB segments: 256 per "xlogid"; 1 GiB segments: 4.
    assertThat(WalSegmentNames.name(3, 0x1FF, MB16)).isEqualTo("0000000300000001000000FF");
    assertThat(WalSegmentNames.name(1, 5, 1 << 30)).isEqualTo("000000010000000100000001");
  }

  @Test
  void aRangeNeedsTheSegmentsOfItsBytes() {
    long start = LsnText.parse("0/2000028");
    assertThat(WalSegmentNames.between(1, start, LsnText.parse("0/2000100"), MB16))
        .containsExactly("000000010000000000000002");
    // An end exactly at a segment boundary needs nothing of the next segment.
    assertThat(WalSegmentNames.between(1, start, LsnText.parse("0/4000000"), MB16))
        .containsExactly("000000010000000000000002", "000000010000000000000003");
    assertThat(WalSegmentNames.between(1, start, start, MB16))
        .containsExactly("000000010000000000000002");
  }
}
