package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void aPhaseWithoutBytesPrintsNoBytes() {
    assertThat(Progress.line(new org.pghardstorage.core.task.Progress("wal", 1, 3, 0, 0)))
        .isEqualTo("wal: 1/3 (33%)");
  }

  @Test
  void aPhaseWithBytesPrintsThem() {
    assertThat(Progress.line(new org.pghardstorage.core.task.Progress("files", 2, 4, 512, 2048)))
        .isEqualTo("files: 2/4, 512 B of 2.0 KiB (25%)");
  }
}
