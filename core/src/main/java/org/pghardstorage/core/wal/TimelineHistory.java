package org.pghardstorage.core.wal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;

/**
 * A parsed timeline history file ({@code 00000003.history}): for each ancestor timeline, the LSN at
 * which the next timeline branched off. Lines are {@code parentTLI <tab> switchpoint <tab> reason};
 * comments and blank lines are ignored, as PostgreSQL does.
 *
 * @param timeline the timeline this file describes
 * @param entries ancestors, oldest first
 */
public record TimelineHistory(TimelineId timeline, List<Entry> entries) {
  /**
   * One ancestor.
   *
   * @param timeline the ancestor timeline
   * @param switchLsn where the following timeline branched off it
   */
  public record Entry(TimelineId timeline, Lsn switchLsn) {}

  /** Copies the list. */
  public TimelineHistory {
    entries = List.copyOf(entries);
  }

  /** Parses the file's bytes. */
  public static TimelineHistory parse(TimelineId timeline, byte[] content) {
    List<Entry> entries = new ArrayList<>();
    for (String raw : new String(content, StandardCharsets.UTF_8).split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+", 3);
      if (f.length < 2) {
        throw new IllegalArgumentException(
            "timeline " + timeline.toHex() + " history: malformed line '" + line + "'");
      }
      entries.add(new Entry(TimelineId.parseDecimal(f[0]), Lsn.parse(f[1])));
    }
    return new TimelineHistory(timeline, entries);
  }

  /** Where {@code ancestor} ended (the following timeline's start), if it is an ancestor. */
  public Optional<Lsn> switchPointOf(TimelineId ancestor) {
    return entries.stream()
        .filter(e -> e.timeline().equals(ancestor))
        .map(Entry::switchLsn)
        .findFirst();
  }

  /** The timeline that was current at {@code lsn} according to this history. */
  public TimelineId timelineAt(Lsn lsn) {
    for (Entry e : entries) {
      if (lsn.isBefore(e.switchLsn())) {
        return e.timeline();
      }
    }
    return timeline;
  }
}
