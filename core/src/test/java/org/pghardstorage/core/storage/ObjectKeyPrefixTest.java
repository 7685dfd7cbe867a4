package org.pghardstorage.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ObjectKeyPrefixTest {
  @Test
  void prefixesOfValidKeysCanStartOne() {
    for (String p :
        new String[] {"", "w", "wal", "wal/", "wal/db1/0000", "data/ab/", "backups/db1/2026"}) {
      assertThat(ObjectKey.canStartWith(p)).as(p).isTrue();
    }
  }

  @Test
  void noKeyStartsWithDotSegmentsEmptySegmentsOrASlash() {
    for (String p :
        new String[] {"../", "..", ".", "wal/.", "wal/..", "/wal", "wal//", "a b", "wal/x y"}) {
      assertThat(ObjectKey.canStartWith(p)).as(p).isFalse();
    }
    assertThat(ObjectKey.canStartWith("a".repeat(ObjectKey.MAX_LENGTH + 1))).isFalse();
    assertThat(ObjectKey.canStartWith("a".repeat(ObjectKey.MAX_SEGMENT_LENGTH + 1))).isFalse();
  }
}
