package org.pghardstorage.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void theFractionCountsBytesWhenThereAreAnyAndItemsOtherwise() {
    assertThat(new Progress("files", 1, 4, 50, 200).fraction()).isEqualTo(0.25);
    assertThat(new Progress("packs", 3, 4, 0, 0).fraction()).isEqualTo(0.75);
    assertThat(new Progress("wal", 0, 0, 0, 0).fraction()).isEqualTo(1.0);
    assertThatThrownBy(() -> new Progress("x", -1, 0, 0, 0)).hasMessageContaining("negative");
  }
}
