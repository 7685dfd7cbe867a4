package org.pghardstorage.core.pg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of one WAL segment file: timeline, segment number and segment size, written as 24
 * hexadecimal digits {@code TTTTTTTTXXXXXXXXYYYYYYYY} where {@code X} is the segment number divided
 * by {@link WalSegmentSize#segmentsPerXLogId()} and {@code Y} the remainder. The same name means a
 * different WAL range under a different segment size, so the size is part of the value.
 */
public final class WalSegmentName implements Comparable<WalSegmentName> {
  private static final Pattern NAME = Pattern.compile("[0-9A-F]{24}");

  private final TimelineId timeline;
  private final long segmentNumber;
  private final WalSegmentSize segmentSize;

  private WalSegmentName(TimelineId timeline, long segmentNumber, WalSegmentSize segmentSize) {
    this.timeline = timeline;
    this.segmentNumber = segmentNumber;
    this.segmentSize = segmentSize;
  }

  /**
   * The segment with this number on this timeline.
   *
   * @throws IllegalArgumentException if the number is negative or past the end of the WAL space
   */
  public static WalSegmentName of(
      TimelineId timeline, long segmentNumber, WalSegmentSize segmentSize) {
    Objects.requireNonNull(timeline, "timeline");
    Objects.requireNonNull(segmentSize, "segmentSize");
    long max = Long.divideUnsigned(-1L, segmentSize.bytes());
    if (segmentNumber < 0 || segmentNumber > max) {
      throw new IllegalArgumentException(
          "invalid WAL segment number " + segmentNumber + " for segment size " + segmentSize);
    }
    return new WalSegmentName(timeline, segmentNumber, segmentSize);
  }

  /** The segment holding {@code lsn} on {@code timeline}. */
  public static WalSegmentName of(TimelineId timeline, Lsn lsn, WalSegmentSize segmentSize) {
    return of(timeline, lsn.segmentNumber(segmentSize), segmentSize);
  }

  /**
   * The segments holding the WAL bytes {@code [start, end)} on {@code timeline}, in order: what
   * recovery reads to replay from {@code start} up to {@code end}. An {@code end} exactly at a
   * segment boundary needs nothing of the next segment; one segment, {@code start}'s, if {@code
   * end} is not after {@code start}.
   */
  public static List<WalSegmentName> covering(
      TimelineId timeline, Lsn start, Lsn end, WalSegmentSize segmentSize) {
    long first = start.segmentNumber(segmentSize);
    long last = end.isAfter(start) ? end.plus(-1).segmentNumber(segmentSize) : first;
    List<WalSegmentName> out = new ArrayList<>();
    for (long n = first; n <= last; n++) {
      out.add(of(timeline, n, segmentSize));
    }
    return out;
  }

  /**
   * Parses a 24-digit segment file name.
   *
   * @throws IllegalArgumentException naming the bad text and why it is not a segment name
   */
  public static WalSegmentName parse(String name, WalSegmentSize segmentSize) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(segmentSize, "segmentSize");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "invalid WAL segment name '" + name + "': expected 24 upper-case hexadecimal digits");
    }
    TimelineId tli;
    try {
      tli = TimelineId.parseHex(name.substring(0, 8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid WAL segment name '" + name + "': timeline 0 does not exist", e);
    }
    long xlogId = Long.parseLong(name.substring(8, 16), 16);
    long seg = Long.parseLong(name.substring(16, 24), 16);
    if (seg >= segmentSize.segmentsPerXLogId()) {
      throw new IllegalArgumentException(
          "invalid WAL segment name '"
              + name
              + "': the last eight digits must be below "
              + String.format(Locale.ROOT, "%08X", segmentSize.segmentsPerXLogId())
              + " for segment size "
              + segmentSize);
    }
    return new WalSegmentName(tli, xlogId * segmentSize.segmentsPerXLogId() + seg, segmentSize);
  }

  /** Whether {@code name} looks like a segment file name (24 upper-case hexadecimal digits). */
  public static boolean looksLikeSegmentName(String name) {
    return NAME.matcher(name).matches();
  }

  /** The history file name of a timeline, e.g. {@code 00000002.history}. */
  public static String historyFileName(TimelineId timeline) {
    return timeline.historyFileName();
  }

  /** The timeline. */
  public TimelineId timeline() {
    return timeline;
  }

  /** The segment number: the segment's start LSN divided by the segment size. */
  public long segmentNumber() {
    return segmentNumber;
  }

  /** The segment size this name is interpreted with. */
  public WalSegmentSize segmentSize() {
    return segmentSize;
  }

  /** The LSN of the first byte in this segment. */
  public Lsn startLsn() {
    return Lsn.of(segmentNumber * segmentSize.bytes());
  }

  /**
   * The LSN just past this segment (the start of the next one).
   *
   * @throws ArithmeticException for the very last segment of the WAL space
   */
  public Lsn endLsn() {
    return startLsn().plus(segmentSize.bytes());
  }

  /** Whether {@code lsn} lies inside this segment. */
  public boolean contains(Lsn lsn) {
    return lsn.segmentNumber(segmentSize) == segmentNumber;
  }

  /** The following segment on the same timeline. */
  public WalSegmentName next() {
    return of(timeline, segmentNumber + 1, segmentSize);
  }

  /**
   * The preceding segment on the same timeline.
   *
   * @throws IllegalStateException for segment 0
   */
  public WalSegmentName previous() {
    if (segmentNumber == 0) {
      throw new IllegalStateException("WAL segment " + this + " is the first one");
    }
    return new WalSegmentName(timeline, segmentNumber - 1, segmentSize);
  }

  /** The same segment number on another timeline. */
  public WalSegmentName onTimeline(TimelineId other) {
    return new WalSegmentName(other, segmentNumber, segmentSize);
  }

  /** Orders by timeline, then segment number, like the file names sort. */
  @Override
  public int compareTo(WalSegmentName other) {
    int c = timeline.compareTo(other.timeline);
    return c != 0 ? c : Long.compare(segmentNumber, other.segmentNumber);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WalSegmentName other
        && other.timeline.equals(timeline)
        && other.segmentNumber == segmentNumber
        && other.segmentSize.equals(segmentSize);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timeline, segmentNumber, segmentSize);
  }

  /** The 24-digit file name. */
  @Override
  public String toString() {
    long perId = segmentSize.segmentsPerXLogId();
    return String.format(
        Locale.ROOT, "%s%08X%08X", timeline.toHex(), segmentNumber / perId, segmentNumber % perId);
  }
}
