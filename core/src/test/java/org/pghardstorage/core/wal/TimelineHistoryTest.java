package org.pghardstorage.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;

/** Timeline history files as PostgreSQL writes them. */
class TimelineHistoryTest {
  private static TimelineHistory parse(long tli, String content) {
    return TimelineHistory.parse(TimelineId.of(tli), content.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsEachAncestorAndWhereTheNextTimelineBranchedOff() {
    TimelineHistory h =
        parse(
            3,
            "1\t0/3000100\tno recovery target specified\n"
                + "\n"
                + "# a comment PostgreSQL would skip too\n"
                + "2\t0/5000028\tbefore 2026-12-01 00:00:00+00\n");

    assertThat(h.entries())
        .containsExactly(
            new TimelineHistory.Entry(TimelineId.FIRST, Lsn.parse("0/3000100")),
            new TimelineHistory.Entry(TimelineId.of(2), Lsn.parse("0/5000028")));
    assertThat(h.switchPointOf(TimelineId.of(2))).contains(Lsn.parse("0/5000028"));
    assertThat(h.switchPointOf(TimelineId.of(3))).isEmpty();
  }

  @Test
  void theTimelineAtAnLsnChangesAtEachSwitchPoint() {
    TimelineHistory h = parse(3, "1\t0/3000100\tno recovery target specified\n2\t0/5000028\tx\n");

    assertThat(h.timelineAt(Lsn.parse("0/30000FF"))).isEqualTo(TimelineId.FIRST);
    assertThat(h.timelineAt(Lsn.parse("0/3000100"))).isEqualTo(TimelineId.of(2));
    assertThat(h.timelineAt(Lsn.parse("0/5000027"))).isEqualTo(TimelineId.of(2));
    assertThat(h.timelineAt(Lsn.parse("0/5000028"))).isEqualTo(TimelineId.of(3));
  }

  @Test
  void aLineWithoutASwitchPointIsRefusedNamingIt() {
    assertThatThrownBy(() -> parse(2, "1\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'1'")
        .hasMessageContaining("00000002");
  }
}
