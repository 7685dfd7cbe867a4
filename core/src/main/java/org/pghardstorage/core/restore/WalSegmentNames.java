package org.pghardstorage.core.restore;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's WAL segment file names ({@code TTTTTTTTXXXXXXXXYYYYYYYY}) for LSN ranges. A local
 * helper until {@code org.pghardstorage.core.pg.WalSegmentName} is on this branch; the names are
 * PostgreSQL's and do not change when the two are unified.
 */
public final class WalSegmentNames {
  private WalSegmentNames() {}

  /** The name of segment number {@code segment} (LSN / segment size) on {@code timeline}. */
  public static String name(long timeline, long segment, int segmentSize) {
    long perId = 0x1_0000_0000L / segmentSize;
    return String.format("%08X%08X%08X", timeline, segment / perId, segment % perId);
  }

  /**
   * The segments holding the WAL bytes {@code [start, end)} on one timeline, in order: what
   * recovery reads to replay from {@code start} up to {@code end}. One segment if {@code end <=
   * start}.
   */
  public static List<String> between(long timeline, long start, long end, int segmentSize) {
    List<String> out = new ArrayList<>();
    for (long s = first(start, segmentSize); s <= last(start, end, segmentSize); s++) {
      out.add(name(timeline, s, segmentSize));
    }
    return out;
  }

  /** The number of the segment holding {@code start}. */
  public static long first(long start, int segmentSize) {
    return Long.divideUnsigned(start, segmentSize);
  }

  /** The number of the segment holding the byte before {@code end} ({@code start}'s if none). */
  public static long last(long start, long end, int segmentSize) {
    return Long.compareUnsigned(end, start) > 0
        ? Long.divideUnsigned(end - 1, segmentSize)
        : first(start, segmentSize);
  }
}
