package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.wal.WalAudit;
import org.pghardstorage.core.wal.WalAudit.Gap;
import org.pghardstorage.core.wal.WalAudit.Impact;
import org.pghardstorage.core.wal.WalAudit.TimelineCoverage;

/** The WAL coverage chart's geometry, from audit reports with known storage times. */
class WalChartTest {
  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  private static final double PLOT = WalChart.RIGHT - WalChart.LEFT;

  private static Instant minutes(long m) {
    return T0.plusSeconds(60 * m);
  }

  private static String seg(long tli, long n) {
    return String.format("%08X%08X%08X", tli, 0, n);
  }

  private static TimelineCoverage timeline(
      long tli, long first, long last, Instant firstStored, Instant lastStored) {
    return new TimelineCoverage(
        tli,
        seg(tli, first),
        seg(tli, last),
        last - first + 1,
        false,
        null,
        firstStored,
        lastStored);
  }

  private static WalAudit.Report report(List<TimelineCoverage> timelines, List<Gap> gaps) {
    return new WalAudit.Report("db1", "0/2000028", timelines, gaps);
  }

  /** The chart of the timelines given, without gaps. */
  private static WalChart.Chart chart(TimelineCoverage... timelines) {
    return WalChart.of(report(List.of(timelines), List.of())).orElseThrow();
  }

  /** The chart of one timeline with one gap. */
  private static WalChart.Chart chart(TimelineCoverage timeline, Gap gap) {
    return WalChart.of(report(List.of(timeline), List.of(gap))).orElseThrow();
  }

  @Test
  void positionsAreProportionalToTimeOnAnAxisFromTheOldestToTheNewestStoredMoment() {
    WalChart.Chart c =
        chart(
            timeline(1, 0x20, 0x30, minutes(0), minutes(60)),
            timeline(2, 0x30, 0x40, minutes(75), minutes(100)));

    WalChart.Span first = c.lanes().get(0).bars().get(0);
    WalChart.Span second = c.lanes().get(1).bars().get(0);
    assertThat(first.x()).isEqualTo(WalChart.LEFT);
    assertThat(first.width()).isCloseTo(PLOT * 0.6, within(0.1));
    assertThat(second.x()).isCloseTo(WalChart.LEFT + PLOT * 0.75, within(0.1));
    assertThat(second.x() + second.width()).isCloseTo(WalChart.RIGHT, within(0.1));
    assertThat(c.lanes()).extracting(WalChart.Lane::label).containsExactly("TL 1", "TL 2");
    assertThat(c.lanes().get(1).y()).isGreaterThan(c.lanes().get(0).y());
    assertThat(c.lanes()).allSatisfy(l -> assertThat(l.gaps()).isEmpty());
  }

  @Test
  void theAxisIsLabelledInUtcFromTheOldestToTheNewestStoredMoment() {
    WalChart.Chart c = chart(timeline(1, 0x20, 0x30, minutes(0), minutes(90)));

    assertThat(c.ticks())
        .extracting(WalChart.Tick::label)
        .containsExactly(
            "2026-12-05 10:00 UTC",
            "2026-12-05 10:30 UTC",
            "2026-12-05 11:00 UTC",
            "2026-12-05 11:30 UTC");
    assertThat(c.ticks().get(0).x()).isEqualTo(WalChart.LEFT);
    assertThat(c.ticks().get(1).x()).isCloseTo(WalChart.LEFT + PLOT / 3, within(0.1));
    assertThat(c.ticks().get(3).x()).isEqualTo(WalChart.RIGHT);
    assertThat(c.ticks())
        .extracting(WalChart.Tick::anchor)
        .containsExactly("start", "middle", "middle", "end");
  }

  @Test
  void aGapIsDrawnWhereTheAuditReportsItBetweenTwoStoredStretches() {
    // 0x20..0x23 stored 10:00..10:30, 0x24..0x27 missing, 0x28..0x30 stored 11:00..11:40
    Gap gap =
        new Gap(
            1,
            seg(1, 0x24),
            seg(1, 0x27),
            "missing",
            Impact.NEWEST_BACKUP,
            minutes(30),
            minutes(60));
    WalChart.Chart c = chart(timeline(1, 0x20, 0x30, minutes(0), minutes(80)), gap);

    WalChart.Lane lane = c.lanes().get(0);
    assertThat(lane.gaps()).hasSize(1);
    WalChart.Span g = lane.gaps().get(0);
    assertThat(g.x()).isCloseTo(WalChart.LEFT + PLOT * 30 / 80, within(0.1));
    assertThat(g.x() + g.width()).isCloseTo(WalChart.LEFT + PLOT * 60 / 80, within(0.1));
    assertThat(g.title())
        .isEqualTo(
            "timeline 1: gap, segments " + seg(1, 0x24) + " to " + seg(1, 0x27) + ": missing");
    assertThat(lane.bars()).hasSize(2);
    assertThat(lane.bars().get(0).x() + lane.bars().get(0).width()).isCloseTo(g.x(), within(0.1));
    assertThat(lane.bars().get(1).x()).isCloseTo(g.x() + g.width(), within(0.1));
    assertThat(lane.bars().get(1).title())
        .isEqualTo("timeline 1: WAL stored 2026-12-05 11:00:00 UTC to 2026-12-05 11:20:00 UTC");
    assertThat(c.description()).contains("timeline 1 with 1 gap");
  }

  @Test
  void aGapAtTheHeadOfTheRangeLeavesOneBarAndIsMarkedAtTheLanesEnd() {
    // the newest backup needs 0x25, which is missing; 0x20..0x24 stored 10:00..10:40
    Gap gap =
        new Gap(1, seg(1, 0x25), seg(1, 0x25), "missing", Impact.NEWEST_BACKUP, minutes(40), null);
    WalChart.Chart c = chart(timeline(1, 0x20, 0x25, minutes(0), minutes(40)), gap);

    WalChart.Lane lane = c.lanes().get(0);
    assertThat(lane.bars()).hasSize(1);
    assertThat(lane.gaps().get(0).width()).isEqualTo(WalChart.MIN_WIDTH);
    assertThat(lane.gaps().get(0).x() + lane.gaps().get(0).width())
        .isLessThanOrEqualTo(WalChart.RIGHT);
    assertThat(lane.gaps().get(0).title()).contains("segment " + seg(1, 0x25) + ": missing");
  }

  @Test
  void aSingleSegmentTimelineIsStillVisible() {
    WalChart.Lane single =
        chart(
                timeline(1, 0x20, 0x30, minutes(0), minutes(60)),
                timeline(2, 0x30, 0x30, minutes(60), minutes(60)))
            .lanes()
            .get(1);

    WalChart.Span only = single.bars().get(0);
    assertThat(only.width()).isEqualTo(WalChart.MIN_WIDTH);
    assertThat(only.x() + only.width()).isLessThanOrEqualTo(WalChart.RIGHT);
    assertThat(only.x()).isGreaterThan(WalChart.LEFT);
  }

  @Test
  void walStoredInOneMomentStillGetsAnAxisAndABar() {
    WalChart.Chart c = chart(timeline(1, 0x20, 0x20, minutes(0), minutes(0)));

    assertThat(c.lanes().get(0).bars().get(0).x()).isEqualTo(WalChart.LEFT);
    assertThat(c.lanes().get(0).bars().get(0).width()).isEqualTo(WalChart.MIN_WIDTH);
    assertThat(c.ticks().get(0).label()).isEqualTo("2026-12-05 10:00:00 UTC");
  }

  @Test
  void noStoredWalGivesNoChart() {
    assertThat(WalChart.of(report(List.of(), List.of()))).isEmpty();
    Gap all = new Gap(1, seg(1, 0x20), seg(1, 0x20), "no WAL stored at all", Impact.NEWEST_BACKUP);
    assertThat(WalChart.of(report(List.of(), List.of(all)))).isEmpty();
    assertThat(WalChart.of(report(List.of(timeline(1, 0x20, 0x21, null, null)), List.of())))
        .isEmpty();
  }

  @Test
  void theChartHasAnAccessibleNameAndAViewBoxWithoutExponents() {
    WalChart.Chart c = chart(timeline(1, 0x20, 0x30, minutes(0), minutes(90)));

    assertThat(c.description())
        .isEqualTo(
            "WAL coverage by storage time, 2026-12-05 10:00:00 UTC to 2026-12-05 11:30:00 UTC:"
                + " timeline 1 without gaps. The table below gives the exact segments.");
    assertThat(c.viewBox()).isEqualTo("0 0 960 " + WalChart.number(c.height()));
    assertThat(c.height()).isGreaterThan(c.axisY());
  }
}
