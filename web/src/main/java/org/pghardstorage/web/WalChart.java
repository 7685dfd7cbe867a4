package org.pghardstorage.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.pghardstorage.core.wal.WalAudit;

/**
 * The geometry of the deployment page's WAL coverage chart: one horizontal lane per timeline on a
 * shared time axis from the oldest to the newest storage time the WAL audit reports, the stored
 * stretches as bars, each gap as a mark of its own colour. The page draws it as inline SVG from
 * these numbers, so that the chart needs neither script nor inline style (the console's CSP allows
 * neither).
 *
 * <p>The times are when the store wrote the segment objects ({@link WalAudit}), so the chart shows
 * when WAL reached the repository, which lags its writing by the streamer's delay; the table below
 * it keeps the exact segment ranges.
 */
public final class WalChart {
  /** The drawing's width in SVG user units; it scales to the page's width. */
  static final double WIDTH = 960;

  /** Where the plot starts: room for the lane labels on the left. */
  static final double LEFT = 96;

  /** Where the plot ends. */
  static final double RIGHT = WIDTH - 16;

  /** Above the first lane. */
  static final double TOP = 8;

  /** The height of one lane, bars and the space between them. */
  static final double LANE = 32;

  /** A bar's height within its lane. */
  static final double BAR = 20;

  /** Below the last lane: the axis and its labels. */
  static final double AXIS = 40;

  /**
   * The narrowest bar or gap mark: one stored segment, or WAL stored within a second, still shows.
   */
  static final double MIN_WIDTH = 4;

  /** The time axis of WAL all stored in one moment: long enough to draw a bar on. */
  static final Duration MIN_SPAN = Duration.ofMinutes(1);

  private static final DateTimeFormatter TICK =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TICK_SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /**
   * A stretch on a lane: a covered one (a bar) or a gap.
   *
   * @param x its left edge
   * @param width its width, at least {@link #MIN_WIDTH}
   * @param title what a pointer or a screen reader is told about it
   */
  public record Span(double x, double width, String title) {}

  /**
   * One timeline's lane.
   *
   * @param label its label, {@code TL 1}
   * @param y the top of its bars
   * @param labelY the baseline of its label
   * @param bars the stretches of stored WAL
   * @param gaps the gaps the audit reports on it
   */
  public record Lane(String label, double y, double labelY, List<Span> bars, List<Span> gaps) {}

  /**
   * A label on the time axis.
   *
   * @param x where it stands
   * @param anchor its SVG text-anchor: {@code start}, {@code middle} or {@code end}
   * @param label the moment, in UTC
   */
  public record Tick(double x, String anchor, String label) {}

  /**
   * The chart.
   *
   * @param description its accessible name
   * @param height the drawing's height in user units
   * @param axisY where the axis line is
   * @param labelY the baseline of the axis labels
   * @param lanes one per timeline, in the audit's order
   * @param ticks the axis labels
   */
  public record Chart(
      String description,
      double height,
      double axisY,
      double labelY,
      List<Lane> lanes,
      List<Tick> ticks) {
    /** The drawing's width in user units. */
    public double width() {
      return WIDTH;
    }

    /** The SVG viewBox. */
    public String viewBox() {
      return "0 0 " + number(WIDTH) + " " + number(height);
    }

    /** Where the plot starts. */
    public double left() {
      return LEFT;
    }

    /** Where the plot ends. */
    public double right() {
      return RIGHT;
    }

    /** Where the lane labels end (they are anchored at their end). */
    public double labelX() {
      return LEFT - 8;
    }

    /** The plot's width, that of each lane's background. */
    public double plotWidth() {
      return RIGHT - LEFT;
    }

    /** A bar's height. */
    public double barHeight() {
      return BAR;
    }

    /** Where the axis ticks end. */
    public double tickY() {
      return axisY + 5;
    }
  }

  private WalChart() {}

  /**
   * The chart of {@code report}, or empty when it has no stored WAL to draw (no timeline, or none
   * with a stored segment in its required range).
   */
  static Optional<Chart> of(WalAudit.Report report) {
    List<Instant> times =
        Stream.concat(
                report.timelines().stream()
                    .flatMap(t -> Stream.of(t.firstStoredAt(), t.lastStoredAt())),
                report.gaps().stream().flatMap(g -> Stream.of(g.storedBefore(), g.storedAfter())))
            .filter(t -> t != null)
            .toList();
    if (report.timelines().stream().allMatch(t -> t.firstStoredAt() == null)) {
      return Optional.empty();
    }
    Instant from = times.stream().min(Comparator.naturalOrder()).orElseThrow();
    Instant newest = times.stream().max(Comparator.naturalOrder()).orElseThrow();
    Instant to = newest.isBefore(from.plus(MIN_SPAN)) ? from.plus(MIN_SPAN) : newest;
    Axis axis = new Axis(from, to);

    List<Lane> lanes = new ArrayList<>();
    StringBuilder description =
        new StringBuilder("WAL coverage by storage time, ")
            .append(Formats.instant(from))
            .append(" to ")
            .append(Formats.instant(newest))
            .append(':');
    for (WalAudit.TimelineCoverage t : report.timelines()) {
      double y = TOP + lanes.size() * LANE + (LANE - BAR) / 2;
      List<WalAudit.Gap> gaps =
          report.gaps().stream()
              .filter(g -> g.timeline() == t.timeline())
              .sorted(Comparator.comparing(WalAudit.Gap::fromSegment))
              .toList();
      lanes.add(
          new Lane(
              "TL " + t.timeline(),
              y,
              y + BAR / 2 + 4,
              bars(axis, t, gaps),
              gaps.stream().map(g -> gap(axis, t, g)).toList()));
      description
          .append(" timeline ")
          .append(t.timeline())
          .append(
              gaps.isEmpty()
                  ? " without gaps"
                  : gaps.size() == 1 ? " with 1 gap" : " with " + gaps.size() + " gaps")
          .append(';');
    }
    description.setLength(description.length() - 1);
    description.append(". The table below gives the exact segments.");
    double axisY = TOP + lanes.size() * LANE + 4;
    return Optional.of(
        new Chart(description.toString(), axisY + AXIS, axisY, axisY + 20, lanes, axis.ticks()));
  }

  /**
   * The stored stretches of {@code t}: its range less its gaps, each from the storage time after
   * one gap (or the timeline's first) to the one before the next (or its last).
   */
  private static List<Span> bars(Axis axis, WalAudit.TimelineCoverage t, List<WalAudit.Gap> gaps) {
    if (t.firstStoredAt() == null) {
      return List.of();
    }
    List<Span> bars = new ArrayList<>();
    for (int i = 0; i <= gaps.size(); i++) {
      WalAudit.Gap before = i == 0 ? null : gaps.get(i - 1);
      WalAudit.Gap after = i == gaps.size() ? null : gaps.get(i);
      boolean stored =
          (before == null
                  ? after == null || !after.fromSegment().equals(t.firstSegment())
                  : before.storedAfter() != null)
              && (after == null
                  ? before == null || !before.toSegment().equals(t.lastSegment())
                  : after.storedBefore() != null);
      if (!stored) {
        continue; // two gaps side by side, or a gap at an end of the range
      }
      Instant start = before == null ? t.firstStoredAt() : before.storedAfter();
      Instant end = after == null ? t.lastStoredAt() : after.storedBefore();
      bars.add(
          axis.span(
              start,
              end,
              "timeline "
                  + t.timeline()
                  + ": WAL stored "
                  + Formats.instant(earlier(start, end))
                  + " to "
                  + Formats.instant(later(start, end))));
    }
    return bars;
  }

  /**
   * The mark of gap {@code g} on {@code t}'s lane: between the storage times of the segments either
   * side; where one side is not stored, at the end of the lane's stored WAL on that side.
   */
  private static Span gap(Axis axis, WalAudit.TimelineCoverage t, WalAudit.Gap g) {
    Instant start = g.storedBefore() != null ? g.storedBefore() : t.firstStoredAt();
    Instant end = g.storedAfter() != null ? g.storedAfter() : t.lastStoredAt();
    String segments =
        g.fromSegment().equals(g.toSegment())
            ? "segment " + g.fromSegment()
            : "segments " + g.fromSegment() + " to " + g.toSegment();
    String title = "timeline " + g.timeline() + ": gap, " + segments + ": " + g.reason();
    if (start == null && end == null) {
      return new Span(LEFT, RIGHT - LEFT, title); // nothing stored on the lane: all of it
    }
    return axis.span(start == null ? end : start, end == null ? start : end, title);
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isAfter(b) ? b : a;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** Maps moments to x, proportionally from {@code from} at {@link #LEFT} to {@code to}. */
  private record Axis(Instant from, Instant to) {
    double x(Instant t) {
      double share =
          (double) Duration.between(from, t).toMillis() / Duration.between(from, to).toMillis();
      return round(LEFT + share * (RIGHT - LEFT));
    }

    /** A span from {@code a} to {@code b} (in either order), at least the narrowest width. */
    Span span(Instant a, Instant b, String title) {
      double x = x(earlier(a, b));
      double width = Math.max(MIN_WIDTH, x(later(a, b)) - x);
      // keep a narrow mark at the right end inside the plot
      return new Span(round(Math.min(x, RIGHT - width)), round(width), title);
    }

    /** Labels at the start, a third, two thirds and the end of the axis. */
    List<Tick> ticks() {
      Duration span = Duration.between(from, to);
      DateTimeFormatter format = span.compareTo(Duration.ofMinutes(10)) < 0 ? TICK_SECONDS : TICK;
      List<Tick> ticks = new ArrayList<>();
      ticks.add(new Tick(x(from), "start", format.format(from)));
      for (int i = 1; i <= 2; i++) {
        Instant t = from.plus(span.multipliedBy(i).dividedBy(3));
        ticks.add(new Tick(x(t), "middle", format.format(t)));
      }
      ticks.add(new Tick(x(to), "end", format.format(to)));
      return ticks;
    }
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** A number for SVG markup: no exponent, no needless decimals. */
  static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(round(v));
  }
}
