package org.pghardstorage.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PageRunsTest {
  private static final int P = ChunkerParams.PAGE_SIZE;

  @Test
  void runsAreMaximalAndCoverTheStretch() {
    byte[] old = new byte[5 * P + 100];
    new Random(1).nextBytes(old);
    byte[] now = old.clone();
    now[P + 17]++; // page 1
    now[2 * P]++; // page 2
    now[5 * P + 99]++; // the short last unit
    assertThat(PageRuns.diff(old, now, now.length))
        .containsExactly(
            new PageRuns.Run(0, P, true),
            new PageRuns.Run(P, 3 * P, false),
            new PageRuns.Run(3 * P, 5 * P, true),
            new PageRuns.Run(5 * P, 5 * P + 100, false));
  }

  @Test
  void equalAndEmptyStretches() {
    byte[] old = new byte[3 * P];
    assertThat(PageRuns.diff(old, old.clone(), old.length))
        .containsExactly(new PageRuns.Run(0, 3 * P, true));
    assertThat(PageRuns.diff(old, old, 0)).isEmpty();
    assertThat(PageRuns.diff(old, new byte[P + 1], P + 1))
        .containsExactly(new PageRuns.Run(0, P + 1, true));
  }

  @Test
  void bothVersionsMustBeLongEnough() {
    assertThatThrownBy(() -> PageRuns.diff(new byte[10], new byte[20], 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("have 10 and 20");
  }
}
